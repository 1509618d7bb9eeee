"""Prefetching for compiled loops that read rows of the network at random (Numba).

A loop that reads a few hundred rows of the org network, scattered over its arrays
(five megabytes of column indices at 100,000 employees), waits on memory for each one
in turn: the arrays were last read a week ago and are no longer in the cache. Asking
for a row's first cache line some iterations before the loop reads it lets the memory
fetch several rows at once. :func:`prefetch` is LLVM's ``llvm.prefetch`` (a hint: no
value is read, nothing can fault, and results do not change); Numba exposes no
prefetch of its own.
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic


@intrinsic
def prefetch(typingctx, array, index):
    """Ask for the cache line of ``array[index]`` (a 1-D array, an integer index; no
    bounds test: a hint at an address past the end is ignored by the processor)."""
    if not (isinstance(array, types.Array) and array.ndim == 1):
        return None
    if not isinstance(index, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        array_type = signature.args[0]
        view = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(
            context, builder, array_type, view, [args[1]], wraparound=False, boundscheck=False
        )
        byte_p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fn_type = ir.FunctionType(ir.VoidType(), [byte_p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fn_type, "llvm.prefetch.p0i8")
        # a read (0), kept in every level of the cache (3), of data (1)
        read, keep, data = ir.Constant(i32, 0), ir.Constant(i32, 3), ir.Constant(i32, 1)
        builder.call(fn, [builder.bitcast(pointer, byte_p), read, keep, data])
        return context.get_dummy_value()

    return types.void(array, index), codegen
