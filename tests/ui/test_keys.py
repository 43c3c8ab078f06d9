"""Each key, pressed in the dashboard, reaches the engine (a real Trainer, in-process)."""

import pytest
from rich.console import Console
from textual.widgets import Select

from tui_trainer.config import RunConfig
from tui_trainer.engine import Change, Reset
from tui_trainer.ui import protocol
from tui_trainer.ui.widgets.choices import ChoicesPane
from tui_trainer.ui.widgets.cost_chart import CostChart
from tui_trainer.ui.widgets.event_log import EventLog
from tui_trainer.ui.widgets.gap_chart import GapChart
from tui_trainer.ui.widgets.help_screen import HelpScreen
from tui_trainer.ui.widgets.run_panel import run_table

# pinned, so the tests do not follow the catalogue's defaults (100 examples to train on)
SPIRAL = dict(dataset="spiral", samples=200, noise=0.3, train_fraction=0.5)

SIZE = (120, 40)


async def step(pilot, n=1):
    for _ in range(n):
        await pilot.press("n")
    await pilot.pause()


async def test_space_resumes_and_pauses_the_training_side(dashboard, make_app):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await pilot.pause()
        assert backend.session.running is False
        await pilot.press("space")
        assert backend.session.running is True
        assert app.run_state.state == "running"
        backend.run_epochs(3)
        await pilot.pause()
        assert backend.trainer.epoch == 3
        assert app.run_state.epoch == 3
        await pilot.press("space")
        assert backend.session.running is False
        assert app.run_state.state == "paused"


async def test_n_trains_one_epoch_while_paused_only(dashboard, make_app):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await step(pilot, 2)
        assert backend.trainer.epoch == 2
        assert len(app.run_state.history) == 2
        await pilot.press("space")  # running: n does not apply
        await pilot.press("n")
        assert backend.trainer.epoch == 2
        assert not [c for c in backend.sent if isinstance(c, protocol.Step)][2:]


@pytest.mark.parametrize("key, learning_rate", [
    ("plus", 0.02), ("minus", 0.005), ("greater_than_sign", 0.0125), ("less_than_sign", 0.008),
])
async def test_learning_rate_keys_change_the_engine(dashboard, make_app, key, learning_rate):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await step(pilot)
        await pilot.press(key)
        await step(pilot)
        assert backend.trainer.settings.learning_rate == pytest.approx(learning_rate)
        event = backend.trainer.history.events[-1]
        assert event.epoch == 1 and event.text.startswith("learning_rate 0.01 -> ")
        assert app.run_state.history.events[-1].epoch == 1  # the dashboard has the mark
        assert "lr 0.01 ->" in app.run_state.log[-1].text


async def test_learning_rate_is_clamped_to_ten(dashboard, make_app):
    app, backend = make_app(RunConfig(**SPIRAL, seed=0, learning_rate=4.0))
    async with dashboard(app, SIZE) as pilot:
        for _ in range(3):
            await pilot.press("plus")
        await step(pilot)
        assert backend.trainer.settings.learning_rate == 10.0
        changes = [c.changes["learning_rate"] for c in backend.sent if isinstance(c, Change)]
        assert changes == [8.0, 10.0]
        assert app.check_action("scale_learning_rate", (2,)) is None


async def test_learning_rate_is_clamped_to_one_millionth(dashboard, make_app):
    app, backend = make_app(RunConfig(**SPIRAL, seed=0, learning_rate=3e-6))
    async with dashboard(app, SIZE) as pilot:
        for _ in range(3):
            await pilot.press("minus")
        await step(pilot)
        assert backend.trainer.settings.learning_rate == 1e-6


async def test_dropout_keys_step_by_five_hundredths_within_bounds(dashboard, make_app):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await pilot.press("right_square_bracket", "right_square_bracket")
        await step(pilot)
        assert backend.trainer.settings.dropout == pytest.approx(0.1)
        assert backend.trainer.model.dropout == pytest.approx(0.1)
        for _ in range(3):
            await pilot.press("left_square_bracket")
        await step(pilot)
        assert backend.trainer.settings.dropout == 0.0
        for _ in range(20):
            await pilot.press("right_square_bracket")
        await step(pilot)
        assert backend.trainer.settings.dropout == pytest.approx(0.9)


@pytest.mark.parametrize("keys, batch_size", [
    (["right_curly_bracket"], 64), (["b"], 64), (["left_curly_bracket"], 16), (["B"], 16),
    (["b", "b", "b", "b"], 100),  # no larger than the training set (100 examples)
])
async def test_batch_size_keys(dashboard, make_app, keys, batch_size):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await pilot.press(*keys)
        await step(pilot)
        assert backend.trainer.settings.batch_size == batch_size
        assert backend.trainer.n_train == 100


@pytest.mark.parametrize("mode, says", [("batch", "batch GD takes all the train examples a step"),
                                         ("sgd", "SGD takes one a step")])
async def test_batch_size_keys_do_not_apply_to_batch_gd_or_sgd_and_say_why(dashboard, make_app, mode, says):
    app, backend = make_app(RunConfig(**SPIRAL, seed=0, batch_mode=mode))
    async with dashboard(app, SIZE) as pilot:
        await pilot.press("b")
        await step(pilot)
        assert backend.trainer.settings.batch_size == 32 and backend.trainer.settings.batch_mode == mode
        shown = [(n.title, n.message) for n in app._notifications]
    assert shown == [("Batch size", f"{says}; the batch size is for mini-batch: pick it in Batch, on the left")]


async def test_r_resets_the_weights_with_the_same_seed_and_R_with_the_next(dashboard, make_app):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        initial = RunConfig(**SPIRAL, seed=0).make_trainer().model.params[0]
        await step(pilot, 3)
        assert not (backend.trainer.model.params[0] == initial).all()
        await pilot.press("r")
        await pilot.pause()
        assert backend.trainer.epoch == 0 and backend.trainer.seed == 0
        assert (backend.trainer.model.params[0] == initial).all()
        assert len(app.run_state.history) == 0
        await step(pilot)
        await pilot.press("R")
        await pilot.pause()
        assert backend.trainer.seed == 1
        assert app.run_state.info.seed == 1
        assert [c.seed for c in backend.sent if isinstance(c, Reset)] == [None, 1]
        assert not (backend.trainer.model.params[0] == initial).all()


async def test_l_toggles_the_log_view_of_the_cost(dashboard, make_app):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await step(pilot, 2)
        chart = app.query_one(CostChart)
        assert chart.log_scale is False
        await pilot.press("l")
        assert chart.log_scale is True
        assert chart.titles()[0].startswith("log10 cost")
        await pilot.press("l")
        assert chart.log_scale is False


async def test_question_mark_opens_help_and_escape_closes_it(dashboard, make_app):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


@pytest.mark.parametrize("key", ["q", "ctrl+c"])
async def test_q_and_ctrl_c_quit(dashboard, make_app, key):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await pilot.press(key)
        await pilot.pause()
    assert app.return_code == 0
    assert backend.session.quit is True


async def test_s_saves_the_run_and_w_writes_the_settings(dashboard, make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await step(pilot, 2)
        await pilot.press("plus")
        await pilot.press("s", "w")
        await pilot.pause()
    assert (tmp_path / "tui-trainer-spiral.npz").is_file()
    from tui_trainer.config import read_toml
    from tui_trainer.runfile import load_run

    assert read_toml(tmp_path / "tui-trainer-spiral.toml")["learning_rate"] == 0.02
    config, trainer = load_run(tmp_path / "tui-trainer-spiral.npz")
    assert trainer.epoch == 2
    assert any(line.text == "saved tui-trainer-spiral.npz" for line in app.run_state.log)


async def test_a_save_or_write_that_fails_says_why_and_training_goes_on(dashboard, make_app, tmp_path,
                                                                        monkeypatch):
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    app, backend = make_app()
    gone.rmdir()  # the directory the dashboard started in is no more: nothing can be written there
    async with dashboard(app, SIZE) as pilot:
        await pilot.press("space")
        await pilot.press("s", "w")
        await pilot.pause()
        shown = [(n.title, n.message) for n in app._notifications]
        assert app.run_state.state == "running" and backend.session.running is True
    titles = [title for title, _ in shown]
    assert titles.count("Not written") == 2, shown
    for name in ("tui-trainer-spiral.npz", "tui-trainer-spiral.toml"):
        text = next(message for title, message in shown if name in message)
        # the file asked for, the system's reason and the way out; not the temporary file's name
        assert text.startswith(f"cannot write {gone / name}: No such file or directory; ")
        assert "directory you can write to" in text and ".tmp" not in text
        assert any(line.text == text and line.kind == "error" for line in app.run_state.log)


async def test_a_key_while_paused_applies_from_the_next_step_and_is_marked(dashboard, make_app):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await step(pilot, 4)
        await pilot.press("plus")
        assert backend.trainer.settings.learning_rate == 0.01  # not before the next step
        await step(pilot)
        assert [e.epoch for e in app.run_state.history.events] == [4]


async def test_choosing_an_optimizer_keeps_the_weights(dashboard, make_app):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await step(pilot, 2)
        pane = app.query_one(ChoicesPane)
        pane.post_message(ChoicesPane.Changed("optimizer", "sgd"))
        await pilot.pause()
        await step(pilot)
        assert backend.trainer.settings.optimizer == "sgd"
        assert backend.trainer.epoch == 3  # the same network went on
        assert app.run_state.history.events[-1].text == "optimizer adam -> sgd"


async def test_choosing_a_data_set_starts_a_new_network_with_a_fitting_loss(dashboard, make_app):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await step(pilot, 2)
        app.query_one(ChoicesPane).post_message(ChoicesPane.Changed("dataset", "sine"))
        await pilot.pause()
        assert backend.trainer.task == "regression"
        assert backend.trainer.epoch == 0
        assert backend.trainer.settings.loss == "mse"
        assert app.run_state.info.dataset == "sine"
        assert "standardised" in app.query_one(CostChart).titles()[0]
        # the loss changed with the data set: the log says so
        assert app.run_state.log[-2].text == ("data set -> sine, loss cross_entropy -> mse (for regression): "
                                              "new network")
        app.query_one(ChoicesPane).post_message(ChoicesPane.Changed("dataset", "moons"))
        await pilot.pause()
        assert backend.trainer.settings.loss == "mse"  # it serves classes too: kept, and nothing said
        assert app.run_state.log[-2].text == "data set -> moons: new network"


async def test_choosing_hidden_layers_rebuilds_the_network(dashboard, make_app):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        app.query_one(ChoicesPane).post_message(ChoicesPane.Changed("hidden", (8,)))
        await pilot.pause()
        assert backend.trainer.sizes == [2, 8, 3]


async def test_choosing_no_hidden_layer_trains_a_linear_model(dashboard, make_app):
    """The Hidden pane offers "none"; picking it raised a ConfigError and closed the app."""
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        app.query_one(ChoicesPane).post_message(ChoicesPane.Changed("hidden", ()))
        await pilot.pause()
        assert backend.trainer.sizes == [2, 3]
        assert app.is_running and tuple(app.run_state.info.sizes) == (2, 3)
        # no hidden layer, so no activation between layers to name
        assert app.run_state.log[-1].text == "new network 2-3 linear on spiral, seed 0"
        panel = Console(width=100, record=True)
        panel.print(run_table(app.run_state.info))
        assert "2 -> 3  (no hidden layer: a linear model)" in panel.export_text()
        assert app.query_one("#choice-activation").disabled  # nothing for it to act on
        app.query_one(ChoicesPane).post_message(ChoicesPane.Changed("hidden", (8,)))
        await pilot.pause()
        assert not app.query_one("#choice-activation").disabled


async def test_the_select_widgets_reach_the_engine(dashboard, make_app):
    """Keyboard only: Tab to the optimizer, open it, pick the first entry."""
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await pilot.pause()
        select = app.query_one("#choice-optimizer")
        select.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("home", "enter")
        await pilot.pause()
        await step(pilot)
        assert backend.trainer.settings.optimizer == "sgd"


@pytest.mark.parametrize("width", [80, 100, 110, 160])
async def test_the_footer_shows_each_of_its_keys_whole(dashboard, make_app, width):
    """At 80 and 100 columns the footer ran past its right edge and was cut mid-word ("] Dropou")."""
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey, FooterLabel

    app, _ = make_app()
    async with dashboard(app, (width, 30)) as pilot:
        await pilot.pause()
        footer = app.query_one(Footer)
        shown = [w for w in footer.query("FooterKey, FooterLabel") if w.display and w.region.width]
        assert any(isinstance(w, FooterKey) and w.key == "q" for w in shown)
        assert any(isinstance(w, FooterLabel) and "Dropout" in str(w.render()) for w in shown)
        palette = [w for w in shown if w.has_class("-command-palette")]  # docked at the right
        limit = palette[0].region.x if palette else footer.region.right
        for widget in shown:
            if widget not in palette:
                assert widget.region.right <= limit, (width, widget, widget.region, limit)
        # the keys that grouped entries stand for are all still bound, described in full for ? and ctrl+p
        descriptions = {b.description for _, b, _, _ in app.screen.active_bindings.values()}
        assert {"LR x2", "LR /2", "Dropout+", "Dropout-"} <= descriptions


async def test_the_footers_keys_work_while_a_choice_list_is_open(dashboard, make_app):
    """The lists' type-to-search took +, -, ] and [: the footer offered them and they did nothing."""
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        app.query_one("#choice-dataset").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one("#choice-dataset").expanded
        await pilot.press("plus", "right_square_bracket")
        await pilot.pause()
        assert app.run_state.settings.learning_rate == 0.02 and app.run_state.settings.dropout == 0.05
        assert app.run_state.info.dataset == "spiral"  # the list's choice unchanged


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning", "ignore:invalid value:RuntimeWarning")
async def test_divergence_pauses_then_a_lower_rate_and_space_go_on(dashboard, make_app):
    config = RunConfig(dataset="sine", samples=200, noise=0.2, train_fraction=0.7, seed=0, optimizer="sgd",
                       learning_rate=10.0, batch_mode="sgd")
    app, backend = make_app(config)
    async with dashboard(app, SIZE) as pilot:
        await pilot.press("space")
        backend.run_epochs(5)
        await pilot.pause()
        assert app.run_state.state == "diverged"
        assert backend.session.running is False
        assert "diverged at epoch" in app.run_state.state_text()
        before = backend.trainer.epoch
        for _ in range(8):
            await pilot.press("minus")
        await pilot.press("space")
        backend.run_epochs(5)
        await pilot.pause()
        assert backend.trainer.state == "training"
        assert backend.trainer.epoch == before + 5
        assert app.run_state.state == "running"


async def test_bindings_are_in_the_command_palette(dashboard, make_app):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("LR x2", "Dropout+", "Reset", "Step", "Log"):
            assert any(t.startswith(wanted) for t in titles), wanted
        # as the palette asks, with itself on top: Pause/go was left out (space there is typed)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen is not app.screen_stack[0]
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert any(t.startswith("Pause/go") for t in titles)
        assert not any(t.startswith("Dropout-") for t in titles)  # dropout is 0: nothing to lower


async def test_help_explains_every_key_loss_and_optimizer(dashboard, make_app):
    from tui_trainer.engine import LOSSES, OPTIMIZERS

    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = app.screen.query_one("Markdown").source
    for binding in app.BINDINGS:
        if binding.id != "quit-ctrl-c":
            assert f"`{binding.key_display or binding.key}" in text, binding.key
    for name, loss in LOSSES.items():
        assert f"`{name}`" in text and loss.formula in text
    for name, optimizer in OPTIMIZERS.items():
        assert f"`{name}`" in text and optimizer.formula in text
    assert "w <- w - lr * dC/dw" in text
    assert "off when the costs are measured" in text  # dropout at evaluation


@pytest.mark.parametrize("config", [RunConfig(**SPIRAL, seed=0, epochs=500),
                                    RunConfig(samples=60, epochs=500)],  # the default data set, unnamed
                         ids=["spiral", "default"])
async def test_resuming_a_saved_run_shows_its_history(dashboard, make_app, tmp_path, config):
    from tui_trainer.runfile import read_config, save_run
    from tui_trainer.ui.app import DashboardApp
    from tui_trainer.ui.backends import InProcessBackend

    assert config.dataset in ("spiral", None)
    trainer = config.make_trainer()
    for _ in range(7):
        trainer.run_epoch()
    save_run(tmp_path / "run.npz", config, trainer)
    config = read_config(tmp_path / "run.npz")  # what the command line passes with --load
    backend = InProcessBackend(config, resume=str(tmp_path / "run.npz"))
    app = DashboardApp(config, backend)
    async with dashboard(app, SIZE) as pilot:
        await pilot.pause()
        assert len(app.run_state.history) == 7
        assert app.run_state.info.dataset == "spiral" and app.run_state.state != "failed"
        await step(pilot)
        assert backend.trainer.epoch == 8
        assert app.run_state.epoch == 8


async def test_charts_keep_their_lines_apart_without_colour(dashboard, make_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await step(pilot, 30)
        app.redraw_all()
        await pilot.pause()
        assert app.no_color
        chart = app.query_one(CostChart)
        plot = chart.plt.uncolorize(chart.plt.build())
        header = chart.header(chart.size.width).plain
    # each line has its own marker, braille dots vs half blocks, and the legend (in the title
    # row, not over the lines) shows which is which
    assert "⢕⢕ train" in header and "▞▞ test" in header
    assert any("\u2801" <= c <= "\u28ff" for c in plot) and any(c in "▘▝▀▖▌▞▛▗▚▐▜▄▙▟" for c in plot)
    assert "train" not in plot and "test" not in plot


def vertical_lines(plot: str) -> int:
    """How many columns inside a plot's frame are mostly '│': the vertical lines drawn."""
    rows = [line[8:-1] for line in plot.splitlines()[1:-2]]  # inside the frame, labels off
    width = min(len(row) for row in rows)
    return sum(sum(row[c] == "│" for row in rows) > len(rows) // 2 for c in range(width))


async def test_only_a_change_draws_a_vertical_line(dashboard, make_app):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await step(pilot, 30)
        app.redraw_all()
        await pilot.pause()
        gap = app.query_one(GapChart)
        plot = gap.plt.uncolorize(gap.plt.build())
        assert app.run_state.history.best_test_epoch() is not None
        # the lowest test cost has its marker on the line, not a vertical line like a change's
        assert "◆ lowest test cost" in gap.header(gap.size.width).plain and "◆" in plot
        assert vertical_lines(plot) == 0
        await pilot.press("plus")
        await step(pilot, 10)
        app.redraw_all()
        await pilot.pause()
        assert "│ change" in gap.header(gap.size.width).plain
        assert vertical_lines(gap.plt.uncolorize(gap.plt.build())) == 1


async def test_a_new_network_paused_before_its_first_epoch_says_how_to_go_on(dashboard, make_app):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await step(pilot, 3)
        await pilot.press("r")
        await pilot.pause()
        app.redraw_all()
        await pilot.pause()
        chart = app.query_one(CostChart)
        assert app.run_state.state == "paused" and not len(app.run_state.history)
        assert "paused: space trains, n one epoch" in chart.plt.uncolorize(chart.plt.build())


async def test_the_change_log_shows_its_newest_entries_whole(dashboard, make_app):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await pilot.pause()
        log = app.query_one(EventLog)
        app.run_state.note("an older entry")
        words = [f"word{i}" for i in range(12)]  # far wider than the side column
        app.run_state.note(" ".join(words))
        await pilot.pause()
        rows, width = log.render().plain.splitlines(), log.content_region.width
    assert 20 < width < 40 and max(len(row) for row in rows) <= width
    assert " ".join(" ".join(rows).split()[-len(words):]) == " ".join(words)  # wrapped, not cut
    assert rows[-1].startswith(" " * 6)  # the wrapped rows sit under the text, not the epoch
    assert any(row.endswith("an older entry") for row in rows)


async def test_the_focused_choice_is_marked_in_reverse_video(dashboard, make_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")  # reverse video is an attribute: it shows without colour
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        app.query_one("#choice-loss").focus()
        await pilot.pause()
        marked = [str(label.render()) for label in app.query(".choice-label") if label.rich_style.reverse]
        assert marked == ["Loss"]
        await pilot.press("enter")  # the list open: still its row
        await pilot.pause()
        marked = [str(label.render()) for label in app.query(".choice-label") if label.rich_style.reverse]
        assert marked == ["Loss"]
        await pilot.press("escape", "tab")
        await pilot.pause()
        marked = [str(label.render()) for label in app.query(".choice-label") if label.rich_style.reverse]
        assert marked == ["Optimizer"]


async def test_keys_wait_while_the_terminal_is_too_small_except_quit(dashboard, make_app):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await pilot.resize_terminal(60, 15)
        await pilot.pause()
        await pilot.press("plus", "question_mark", "n")
        await pilot.pause()
        # nothing changed behind "Make the terminal larger", and the help did not open over it
        assert backend.trainer.epoch == 0 and app.run_state.settings.learning_rate == 0.01
        assert not isinstance(app.screen, HelpScreen)
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        await pilot.press("plus")
        await step(pilot)
        assert backend.trainer.settings.learning_rate == 0.02
        await pilot.resize_terminal(60, 15)
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_a_key_lays_the_screen_out_again_only_when_something_changes_shape(dashboard, make_app,
                                                                                   monkeypatch):
    """Each lr or dropout key rebuilt the footer and reset every Select (a layout each, ~10 ms):
    a burst of 280 keys kept q waiting 2.5 s in tmux; 0.4-0.6 s now."""
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await pilot.pause()
        calls = {"bindings": 0, "options": 0}
        refresh_bindings = app.refresh_bindings

        def counted_refresh_bindings():
            calls["bindings"] += 1
            refresh_bindings()

        monkeypatch.setattr(app, "refresh_bindings", counted_refresh_bindings)
        original_set_options = Select.set_options

        def counted_set_options(self, options):
            calls["options"] += 1
            return original_set_options(self, options)

        monkeypatch.setattr(Select, "set_options", counted_set_options)
        for _ in range(5):
            await pilot.press("plus", "minus", "greater_than_sign", "less_than_sign")
        await pilot.pause()
        assert app.run_state.settings.learning_rate == 0.01
        assert calls == {"bindings": 0, "options": 0}  # no key changed what the footer or the lists show
        await pilot.press(*["plus"] * 12)  # up to the largest rate: "+" is dimmed there
        await pilot.pause()
        assert app.run_state.settings.learning_rate == 10 and app.check_action("scale_learning_rate", (2,)) is None
        assert calls["bindings"] == 1
        await pilot.press("right_square_bracket", "right_square_bracket")  # "[" comes alive once, at 0.05
        await pilot.pause()
        assert app.run_state.settings.dropout == 0.1 and calls == {"bindings": 2, "options": 0}


async def test_space_in_the_command_palette_is_typed_not_a_pause(dashboard, make_app):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        from textual.command import CommandPalette

        assert isinstance(app.screen, CommandPalette)
        await pilot.press("l", "r", "space", "x")
        await pilot.pause()
        assert backend.session.running is False
        assert [c for c in backend.sent if isinstance(c, protocol.Resume)] == []
        assert app.screen.query_one("Input").value == "lr x"
        await pilot.press("escape")
        await pilot.press("space")
        assert backend.session.running is True


async def test_after_the_last_epoch_a_new_network_trains_at_once(dashboard, make_app):
    app, backend = make_app(RunConfig(**SPIRAL, seed=0, epochs=3), running=True)
    async with dashboard(app, SIZE) as pilot:
        backend.run_epochs(10)
        await pilot.pause()
        assert backend.trainer.epoch == 3
        assert app.run_state.state == "finished"
        assert "finished" in app.status_line.render().plain
        app.choices.post_message(ChoicesPane.Changed("activation", "relu"))
        await pilot.pause()
        assert backend.trainer.activation == "relu"
        assert backend.session.running is True
        assert app.run_state.state == "running"


async def test_a_paused_run_stays_paused_on_a_new_network(dashboard, make_app):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        app.choices.post_message(ChoicesPane.Changed("activation", "relu"))
        await pilot.pause()
        assert backend.trainer.activation == "relu"
        assert backend.session.running is False
        assert app.run_state.state == "paused"


async def test_f_and_shift_f_change_the_pace_of_the_training_side(dashboard, make_app):
    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        assert app.run_state.pace == 30
        await pilot.press("f")
        await pilot.pause()
        assert backend.session.pace == 50
        await pilot.press("F", "F", "F")
        await pilot.pause()
        assert backend.session.pace == 10 and app.run_state.pace == 10
        for _ in range(12):
            await pilot.press("f")
        await pilot.pause()
        assert backend.session.pace is None  # no limit
        assert [c.epochs_per_second for c in backend.sent if isinstance(c, protocol.SetPace)][-1] is None
        assert app.check_action("scale_pace", (1,)) is None  # nothing faster than no limit


async def test_a_resumed_run_shows_its_epoch_and_costs_before_training_on(dashboard, make_app, tmp_path):
    """--load of a finished run: the status line showed "epoch 0/N" and no costs."""
    from tui_trainer.runfile import read_config, save_run
    from tui_trainer.ui.backends import InProcessBackend
    from tui_trainer.ui.app import DashboardApp
    from tui_trainer.ui.widgets.status_line import status_fields

    config = RunConfig(**SPIRAL, seed=0, epochs=7)
    trainer = config.make_trainer()
    for _ in range(7):
        trainer.run_epoch()
    save_run(tmp_path / "run.npz", config, trainer)
    config = read_config(tmp_path / "run.npz")
    backend = InProcessBackend(config, resume=str(tmp_path / "run.npz"))
    app = DashboardApp(config, backend, clock=lambda: 100.0)
    async with dashboard(app, SIZE) as pilot:
        await pilot.pause()
        assert app.run_state.state == "finished"
        assert app.run_state.epoch == 7
        text = " ".join(f.plain for f in status_fields(app.run_state))
        assert "epoch 7/7" in text
        assert f"train {trainer.history['train_cost'][-1]:.4f}" in text
        assert app.run_state.log[0].epoch == 7  # "resumed ... at epoch 7", noted at epoch 7


async def test_batch_x2_never_shrinks_a_batch_larger_than_the_train_part(dashboard, make_app):
    """A size above the train part (100): } made it smaller (1024 -> 100), { halved 1024."""
    from tui_trainer.ui.widgets.status_line import status_fields

    app, backend = make_app(RunConfig(**SPIRAL, seed=0, batch_size=1024))
    async with dashboard(app, SIZE) as pilot:
        assert app.check_action("scale_batch_size", (2,)) is None
        await pilot.press("right_curly_bracket")
        await step(pilot)
        assert backend.trainer.settings.batch_size == 1024
        assert "mini-batch 1024 (all 100)" in " ".join(f.plain for f in status_fields(app.run_state))
        await pilot.press("left_curly_bracket")
        await step(pilot)
        assert backend.trainer.settings.batch_size == 50


async def test_the_size_choice_offers_no_batch_larger_than_the_train_part(dashboard, make_app):
    from textual.widgets import Select

    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        select = app.query_one("#choice-batch_size", Select)
        sizes = [value for _, value in select._options if value is not Select.BLANK]
        assert max(sizes) == 100 and 32 in sizes and 64 in sizes


async def test_the_size_choice_shows_what_a_step_takes_in_every_batch_mode(dashboard, make_app):
    """Batch GD showed "32" (the mini-batch size kept aside) beside a status of "batch GD (100)"."""
    from textual.widgets import Select

    app, backend = make_app()
    async with dashboard(app, SIZE) as pilot:
        select = app.query_one("#choice-batch_size", Select)
        assert select.value == 32 and not select.disabled
        for mode, shown in (("batch", 100), ("sgd", 1), ("mini-batch", 32)):
            app.choices.post_message(ChoicesPane.Changed("batch_mode", mode))
            await pilot.pause()
            assert select.value == shown, mode
            assert select.disabled == (mode != "mini-batch")
        # shown, never sent: the size stays 32 for mini-batch
        assert not [c for c in backend.sent if isinstance(c, Change) and "batch_size" in c.changes]


async def test_a_csv_run_can_switch_to_a_built_in_set_and_back(dashboard, make_app, tmp_path):
    """--data FILE --drop-missing: choosing a built-in set was refused (drop_missing needs a CSV
    file), and once on a built-in set the CSV file was gone from the choices."""
    import numpy as np
    from textual.widgets import Select

    rng = np.random.default_rng(0)
    lines = ["a,b,label", "1.0,,1"] + [f"{float(a)!r},{float(b)!r},{int(a + b > 0)}" for a, b in rng.normal(size=(60, 2))]
    (tmp_path / "mine.csv").write_text("\n".join(lines) + "\n")
    app, backend = make_app(RunConfig(data=str(tmp_path / "mine.csv"), drop_missing=True, seed=0))
    async with dashboard(app, SIZE) as pilot:
        assert app.run_state.info.dataset == "mine.csv"
        app.query_one(ChoicesPane).post_message(ChoicesPane.Changed("dataset", "moons"))
        await pilot.pause()
        assert app.run_state.info.dataset == "moons" and backend.trainer.n_train > 60
        options = [value for _, value in app.query_one("#choice-dataset", Select)._options]
        assert "mine.csv" in options
        app.query_one(ChoicesPane).post_message(ChoicesPane.Changed("dataset", "mine.csv"))
        await pilot.pause()
        assert app.run_state.info.dataset == "mine.csv" and backend.trainer.n_train + len(backend.trainer.X_test) == 60


async def test_n_past_the_last_epoch_reads_paused_not_finished(dashboard, make_app):
    app, backend = make_app(RunConfig(**SPIRAL, seed=0, epochs=3), running=True)
    async with dashboard(app, SIZE) as pilot:
        backend.run_epochs(10)
        await pilot.pause()
        assert app.run_state.state == "finished"
        await step(pilot)
        assert backend.trainer.epoch == 4
        assert app.run_state.state == "paused"
        assert "paused" in app.status_line.render().plain


async def test_the_choices_wait_for_the_network_they_describe(make_app):
    app, backend = make_app(RunConfig(**SPIRAL, seed=0, epochs=500, optimizer="momentum"))
    replies = []
    connect = backend.connect
    backend.connect = lambda deliver: replies.append(deliver)  # the training side is slow to start
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.query_one(ChoicesPane)
        assert pane.disabled  # its Selects show their first options, not the run's: no choosing yet
        await pilot.press("tab", "tab", "enter")
        assert backend.sent == []
        connect(replies[0])
        await pilot.pause()
        assert not pane.disabled
        assert pane.query_one("#choice-optimizer").value == "momentum"
