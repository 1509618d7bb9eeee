"""Sales Web engine: the market model, its parameters, scenarios and theory."""

from sim.params import PARAMETERS, ParameterError


def __getattr__(name: str):
    # MarketModel imports Mesa (about a second); import it lazily so that
    # `salesweb params` and friends start fast.
    if name == "MarketModel":
        from sim.model import MarketModel

        return MarketModel
    raise AttributeError(name)


__all__ = ["MarketModel", "PARAMETERS", "ParameterError"]
