"""The engine: construction, determinism, outputs, views, networks."""

from __future__ import annotations

import inspect

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from agents.vendor import Vendor
from sim.model import MarketModel
from sim.networks import management_tree
from sim.params import PARAMETERS
from sim.reporting import MODEL_COLUMNS, VENDOR_REPORTERS
from tests.conftest import SMALL


def run(seed, steps=40, **kw):
    model = MarketModel(rng=seed, **{**SMALL, **kw})
    for _ in range(steps):
        model.step()
    return model


def test_same_rng_gives_identical_dataframes():
    a, b = run(11), run(11)
    pd.testing.assert_frame_equal(
        a.datacollector.get_model_vars_dataframe(), b.datacollector.get_model_vars_dataframe()
    )
    pd.testing.assert_frame_equal(a.vendor_dataframe(), b.vendor_dataframe())
    assert np.array_equal(a.population.emp_product, b.population.emp_product)


def test_different_seeds_differ():
    a, b = run(11), run(12)
    assert not a.datacollector.get_model_vars_dataframe().equals(
        b.datacollector.get_model_vars_dataframe()
    )


def test_default_market_size():
    model = MarketModel(rng=3)
    assert len(model.enterprises) == 200
    assert 15_000 <= model.n_employees <= 30_000  # truncated Zipf mean about 110
    assert len(model.vendor_list) == 12
    assert [v.strategy for v in model.vendor_list].count("hybrid") == 4


def test_every_parameter_is_a_keyword_and_an_attribute():
    sig = inspect.signature(MarketModel)
    model = MarketModel(rng=1, n_enterprises=3)
    for name, p in PARAMETERS.items():
        assert sig.parameters[name].default == p.default
        assert getattr(model, name) == model.params[name]
    assert model.rep_attrition == PARAMETERS["rep_attrition"].default


def test_outputs_have_every_column():
    model = run(5, steps=10)
    df = model.datacollector.get_model_vars_dataframe()
    assert list(df.columns) == list(MODEL_COLUMNS)
    assert len(df) == 11  # the start plus ten weeks
    vdf = model.vendor_dataframe()
    assert set(VENDOR_REPORTERS) <= set(vdf.columns)
    assert vdf.index.get_level_values(0).nunique() == 11


def test_views_read_and_write_rows():
    model = run(2, steps=30, virality=0.1, marketing_reach=0.05)
    pop = model.population
    i = int(np.flatnonzero(pop.emp_product >= 0)[0])
    ent = model.enterprises[int(pop.emp_enterprise[i])]
    local = i - ent.employee_slice.start
    employee = ent.employees[local]
    assert employee.product is model.vendor_list[pop.emp_product[i]]
    assert isinstance(employee.product, Vendor)
    buyer = ent.committee[0]
    buyer.receptivity = 0.42
    assert pop.receptivity[buyer.index] == 0.42
    assert buyer.committee_role == "economic buyer"
    assert ent.champion(employee.product) is not None
    with pytest.raises(ValueError):
        buyer.receptivity = 1.5


def test_management_tree_matches_networkx():
    n, span = 200, 8
    parent, depth = management_tree(n, span)
    tree = nx.full_rary_tree(span, n)
    for child in range(1, n):
        assert tree.has_edge(parent[child], child)
    assert depth.max() == max(nx.shortest_path_length(tree, 0).values())


def test_hierarchy_network_looks_like_email_networks():
    """Mean degree 10-25 and clustering 0.3-0.5 (Kossinets and Watts 2006)."""
    model = MarketModel(rng=4, n_enterprises=1, enterprise_size_min=500, enterprise_size_max=500)
    graph = nx.from_scipy_sparse_array(model.population.adjacency)
    degree = 2 * graph.number_of_edges() / graph.number_of_nodes()
    assert 8 <= degree <= 25
    assert 0.3 <= nx.average_clustering(graph) <= 0.7


def test_adoption_never_exceeds_one_product_or_the_population():
    """Adoption is the share of employees on a product, counted employee by employee.

    With strong virality and reach most employees adopt: the reported rate, the users
    per vendor and the users per enterprise must each match a count over the
    employees' product codes (one code per employee), and no enterprise has more users
    than employees.
    """
    model = run(9, steps=60, virality=0.2, marketing_reach=0.1)
    pop = model.population
    users = pop.emp_product >= 0
    assert 0.5 < users.mean() <= 1
    assert model.adoption_rate == pytest.approx(users.mean())
    assert model.users == users.sum()
    per_vendor = np.bincount(pop.emp_product[users], minlength=len(model.vendor_list))
    assert [v.users for v in model.vendor_list] == per_vendor.tolist()
    per_enterprise = np.bincount(pop.emp_enterprise[users], minlength=len(pop.ent_size))
    assert (per_enterprise <= pop.ent_size).all()
    adoption = model.datacollector.get_model_vars_dataframe()["adoption_rate"]
    assert adoption.between(0, 1).all() and adoption.iloc[-1] == model.adoption_rate


def test_exit_ends_contracts_and_users():
    model = run(3, steps=20, virality=0.1, marketing_reach=0.05)
    vendor = max(model.alive_vendors(), key=lambda v: v.users)
    assert vendor.users > 0
    model.exit_vendor(vendor)
    model._refresh_users()
    assert not (model.population.emp_product == vendor.index).any()
    assert (model.contract_at[:, vendor.index] < 0).all()


def test_horizon_stops_run_model():
    model = MarketModel(rng=1, n_enterprises=3, horizon=5)
    model.run_model()
    assert model.steps == 5


def test_vendor_specs_set_traits():
    model = MarketModel(
        rng=1, n_enterprises=3, n_vendors=2, vendors=[{"strategy": "direct", "quality": 0.95}]
    )
    assert model.vendor_list[0].strategy == "direct"
    assert model.vendor_list[0].quality == 0.95


def test_mesa_batch_run_drives_the_model():
    import mesa

    results = mesa.batch_run(
        MarketModel,
        {"n_enterprises": [3, 5], "rep_attrition": 0.02},
        number_processes=1,
        max_steps=4,
        data_collection_period=-1,
        display_progress=False,
        rng=[1, 2],
    )
    runs = {(r["n_enterprises"], r["rng"]) for r in results}
    assert runs == {(3, 1), (3, 2), (5, 1), (5, 2)}
    assert all(r["Step"] == 4 and "arr_total" in r for r in results)


def test_an_entrant_beyond_the_first_block_of_vendors_reads_as_empty():
    """The ninth vendor widens the per-vendor arrays: it starts empty, then counts right.

    After a week of strong marketing every vendor's users, ARR and customers must
    match counts over the employees and the contracts, the entrant's included.
    """
    model = MarketModel(
        rng=1, n_enterprises=6, n_vendors=8, marketing_reach=0.3, strategy_mix="1:0:1"
    )
    entrant = model.add_vendor("bottoms_up")  # the ninth vendor widens the arrays
    assert model.vendor_capacity > 8
    assert (entrant.arr, entrant.users, entrant.customers) == (0.0, 0, 0)
    assert (model.contract_at[:, entrant.index] == -1).all()
    assert (model.opp_at[:, entrant.index] == -1).all()
    for _ in range(3):
        model.step()
    pop, contracts = model.population, model.contracts
    active = contracts.active_ids()
    assert entrant.users > 0
    for v in model.vendor_list:
        assert v.users == np.count_nonzero(pop.emp_product == v.index), v
        mine = active[contracts.vendor[active] == v.index]
        assert v.arr == pytest.approx(contracts.acv[mine].sum()), v
        assert v.customers == len(np.unique(contracts.enterprise[mine])), v
