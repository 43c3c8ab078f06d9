import asyncio
import contextlib
import inspect

import pytest

from tui_trainer.config import RunConfig
from tui_trainer.ui.app import DashboardApp
from tui_trainer.ui.backends import InProcessBackend

# A small, fast run on the default data set, seeded, its size pinned (100 examples to train on)
# so the tests do not follow the catalogue's defaults.
SPIRAL = dict(dataset="spiral", samples=200, noise=0.3, train_fraction=0.5)
CONFIG = RunConfig(**SPIRAL, seed=0, epochs=500)


def fixed_clock() -> float:
    return 100.0


def make_app(config: RunConfig = CONFIG, running: bool = False) -> tuple[DashboardApp, InProcessBackend]:
    """The dashboard on an in-process backend: the same session and commands as the training
    process, driven synchronously, so a test can look at the real Trainer."""
    backend = InProcessBackend(config, running=running)
    return DashboardApp(config, backend, clock=fixed_clock), backend


@contextlib.asynccontextmanager
async def dashboard(app: DashboardApp, size=(120, 40)):
    """``app.run_test``, entered once the training side has answered (the app connects to it
    after its first frame, as a person sees the window before training starts)."""
    async with app.run_test(size=size) as pilot:
        for _ in range(200):
            if app.run_state.info is not None or app.run_state.state == "failed":
                break
            await pilot.pause(0.01)
        yield pilot


@pytest.fixture(name="dashboard")
def dashboard_fixture():
    """``async with dashboard(app, size) as pilot``: run_test, once training has started."""
    return dashboard


@pytest.fixture(name="make_app")
def make_app_fixture():
    """``make_app(config=CONFIG, running=False) -> (app, backend)``."""
    return make_app


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run ``async def`` tests in a fresh event loop (no asyncio plugin needed)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**args))
        return True
    return None
