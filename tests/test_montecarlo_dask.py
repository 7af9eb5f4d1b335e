"""Monte Carlo on a real Dask cluster: bit-identical results for 1, 2 and 4 worker processes."""

from __future__ import annotations

import pytest

distributed = pytest.importorskip(
    "distributed", reason="the `dask` extra (dask[distributed]) is not installed"
)

from accord.simulation import simulate, synthetic_scenario  # noqa: E402  (after the skip)

FAST = ["compromise", "median", "ensemble"]


@pytest.mark.slow
def test_bit_identical_on_local_cluster_with_1_2_4_worker_processes():
    scn = synthetic_scenario(6, 2, seed=5)
    reference = simulate(scn, 3000, seed=77, chunk_size=256, models=FAST).to_frame()
    for n in (1, 2, 4):
        with (
            distributed.LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            assert len(client.scheduler_info()["workers"]) == n
            got = simulate(scn, 3000, seed=77, chunk_size=256, dask=client, models=FAST).to_frame()
        assert got.equals(reference), f"{n} Dask workers gave different results"


@pytest.mark.slow
def test_dask_by_scheduler_address():
    scn = synthetic_scenario(4, 1, seed=2)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        got = simulate(
            scn, 600, seed=3, chunk_size=100, dask=cluster.scheduler_address, models=FAST
        )
    assert got.to_frame().equals(simulate(scn, 600, seed=3, chunk_size=100, models=FAST).to_frame())


@pytest.mark.slow
def test_cli_dask_option(tmp_path):
    import json

    import yaml
    from click.testing import CliRunner

    from accord.cli import cli

    path = tmp_path / "s.yaml"
    scn = synthetic_scenario(4, 1, seed=2)
    path.write_text(yaml.safe_dump(scn.model_dump(mode="json", exclude_none=True)))
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        r = CliRunner().invoke(
            cli,
            [
                "simulate",
                str(path),
                "--draws",
                "300",
                "--chunk-size",
                "50",
                "-m",
                "median",
                "--dask",
                cluster.scheduler_address,
                "-o",
                str(tmp_path / "run"),
                "--format",
                "json",
            ],
        )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["draws"] == 300
    again = CliRunner().invoke(cli, ["simulate", "--rerun", str(tmp_path / "run")])
    assert again.exit_code == 0 and "identical" in again.output
