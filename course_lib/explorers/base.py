"""The one base of every explorer: declared controls, a pure compute, a draw in place, one image.

An explorer is a declaration (see ``course_lib/explorers/conventions.py`` for the shortest)::

    class MyExplorer(Explorer):
        figure = "schedule"                        # its figure (course_lib.plotting.explorer_layout)
        def __init__(self, lr=0.1):
            super().__init__([Control("lr", "log", lr, 1e-4, 1.0, 0.05)])
        def compute(self, v): ...                  # control values -> result (pure, tested alone)
        def draw(self, result, v): ...             # update self.figure's artists in place
        def describe(self, result, v): ...         # optional: the status line

The base builds the widgets (:func:`course_lib.explorers.controls.make_control`), watches them,
and on a change runs compute -> draw -> one PNG (:func:`course_lib.plotting.explorer_layout.frame_png`)
into a persistent ``ipywidgets.Image``. In a kernel, rapid moves coalesce: a change schedules
the redraw a few milliseconds later on the kernel's event loop, and only the newest change
redraws (older ones are skipped). Outside a kernel (tests, scripts) a change redraws at once.
An explorer whose computation is slow (it trains) and memoised can set ``warm_ahead``: after
each change, while the kernel is idle, it computes the settings one step away on each control
(the moved control's next step first), so the learner's next step draws from the cache.

Every explorer has ``.controls`` (name -> widget), ``.update()``, ``.last_result``,
``.figure``, ``.image``, ``.snapshot_png()`` and ``.widget``; it displays itself in a notebook
(the live widget plus the PNG of its current frame, for readers without a kernel).
Warnings raised while it computes and draws: course_lib's own show in its status line
(``.warnings``), the matplotlib noise :data:`QUIET_WARNINGS` names is silenced, any other
reaches the notebook as usual.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import html
import re
import warnings
from typing import Any, Callable, Iterator, Mapping, Sequence

import ipywidgets as widgets

from course_lib.display import in_kernel
from course_lib.explorers.controls import Control, ParamSpec, make_control, neighbours
from course_lib.plotting.describe import describe_figure
from course_lib.plotting.explorer_layout import explorer_figure, frame_png
from course_lib.warn import CourseWarning

__all__ = [
    "Explorer",
    "EXPLORER_CLASS",
    "NAME_HANDLES_JS",
    "handle_namer",
    "message_html",
    "show_frame",
    "COALESCE_S",
    "WARM_DELAY_S",
    "RED",
    "GREEN",
    "ALT_CLASS",
    "AMBER",
    "QUIET_WARNINGS",
    "explorer_warnings",
    "first_sentence",
]

RED, GREEN, AMBER = "#b00020", "#1b5e20", "#8a5300"

#: Third-party warnings an explorer silences while it computes and draws: (category, regex
#: matched at the start of the message). They say nothing a learner moving a slider can act
#: on. Every other warning gets through: course_lib's own (:class:`~course_lib.warn.CourseWarning`)
#: in the explorer's status line, the rest as Python shows warnings.
#: The ones named are matplotlib's, raised when a slider makes a panel degenerate (a constant
#: rate: equal y limits; a run that reached 0 or diverged: nothing positive on a log axis; no
#: curve left to label); the explorers draw a message or keep the previous limits instead.
QUIET_WARNINGS: tuple[tuple[type[Warning], str], ...] = (
    (UserWarning, r"Attempt to set non-positive [xy]lim on a log-scaled axis will be ignored"),
    (UserWarning, r"Attempting to set identical low and high [xy]lims makes transformation singular"),
    (UserWarning, r"Data has no positive values, and therefore cannot be log-scaled"),
    (UserWarning, r"No artists with labels found to put in legend"),
)

#: Seconds a change waits on the kernel's event loop before it redraws: changes that arrive
#: meanwhile replace it (the latest value wins; no queue of stale redraws).
COALESCE_S = 0.01

#: Seconds the kernel's event loop waits after a frame before an explorer that warms ahead
#: (:attr:`Explorer.warm_ahead`) computes the next neighbouring setting: a learner still moving
#: (or a test clicking through) makes that warming stale before it starts, and it is skipped;
#: one looking at the frame gets the next step trained meanwhile.
WARM_DELAY_S = 0.5


def message_html(text: str, color: str = "#222") -> str:
    """A status line as HTML (monospace, kept line breaks, escaped)."""
    return f"<div style='color:{color}; font-family:monospace; white-space:pre-wrap'>{html.escape(text)}</div>"


@contextlib.contextmanager
def explorer_warnings() -> Iterator[list[str]]:
    """Sort the warnings raised inside: yields the list of course_lib's, filled on exit.

    A :class:`~course_lib.warn.CourseWarning` is collected once (the first sentence of its
    message: what happened; the rest tells a caller of a function which argument to change,
    which an explorer's controls do not have); one that :data:`QUIET_WARNINGS` names is dropped;
    any other is warned again where it was raised, under the caller's warning filters.
    """
    shown: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield shown
    for w in caught:
        if issubclass(w.category, CourseWarning):
            text = first_sentence(str(w.message))
            if text not in shown:
                shown.append(text)
        elif not any(issubclass(w.category, cat) and re.match(rx, str(w.message)) for cat, rx in QUIET_WARNINGS):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)


def first_sentence(text: str) -> str:
    """The text up to its first full stop followed by a space (all of it if there is none)."""
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def show_frame(fig: Any) -> None:
    """Called after every frame an explorer renders (a hook: the tests record the figures here)."""


#: The DOM class of an explorer's outer box: the handle namer below works inside it only.
EXPLORER_CLASS = "course-explorer"
#: The DOM class of the hidden text that describes the explorer's current picture (its alt text).
ALT_CLASS = "course-explorer-alt"

#: Names every slider handle inside its explorer after the slider's label. ipywidgets 8 draws a
#: slider with noUiSlider, whose handle (``div.noUi-handle[role=slider]``, the element that takes
#: the keyboard) has no accessible name: the description ``<label>`` is not tied to it, and
#: ipywidgets passes no ``handleAttributes`` (checked up to ipywidgets 8.1.9 / jupyterlab_widgets
#: 3.0.17). JupyterLab runs it as ``application/javascript`` inside a (trusted) Output widget,
#: with ``element`` bound to that output's node. It waits for the box to be attached, names the
#: handles, then watches the box, since sliders are re-created (a new schedule brings new
#: parameters). Anywhere else (no explorer around it) it gives up after a few seconds, quietly.
#: It also gives the picture (``img.widget-image``: ipywidgets' Image has no alt, and a tooltip on it
#: breaks its view) the text of the explorer's hidden description (class ``course-explorer-alt``).
NAME_HANDLES_JS = """(function (element) {
  var tries = 0;
  function nameHandles(root) {
    var alt = root.querySelector('.%s');
    var text = alt ? alt.textContent.trim() : '';
    root.querySelectorAll('img.widget-image').forEach(function (img) {
      if (img.getAttribute('alt') !== text) img.setAttribute('alt', text);
    });
    root.querySelectorAll('.widget-slider').forEach(function (slider) {
      var label = slider.querySelector('label.widget-label');
      var name = label ? label.textContent.trim() : '';
      if (!name) return;
      slider.querySelectorAll('.noUi-handle').forEach(function (handle) {
        if (handle.getAttribute('aria-label') !== name) handle.setAttribute('aria-label', name);
      });
    });
  }
  function start() {
    var root = element && element.closest ? element.closest('.%s') : null;
    if (!root) { if (++tries < 50) setTimeout(start, 100); return; }
    nameHandles(root);
    new MutationObserver(function () { nameHandles(root); }).observe(root, {childList: true, subtree: true});
  }
  start();
})(typeof element === 'undefined' ? null : element);
""" % (ALT_CLASS, EXPLORER_CLASS)


def handle_namer() -> widgets.Output:
    """A hidden Output holding :data:`NAME_HANDLES_JS` (a widget's state is never stored in a
    notebook, so the script lives only in a live session: not on the website, not in the decks)."""
    namer = widgets.Output(layout=widgets.Layout(display="none"))
    namer.outputs = (
        {"output_type": "display_data", "metadata": {}, "data": {"application/javascript": NAME_HANDLES_JS}},
    )
    return namer


def _running_loop() -> asyncio.AbstractEventLoop | None:
    """The Jupyter kernel's event loop running in this thread, or None (plain Python: redraw at once).

    Only a kernel's loop counts: another library's loop in the same thread (Playwright's sync API
    keeps one running between calls) must not defer redraws that nobody will run.
    """
    if not in_kernel():
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _direction(old: Any, new: Any, control: Any) -> int:
    """+1 if a control moved up (or to a later option), -1 if down, +1 if that cannot be told."""
    try:
        if isinstance(control, (widgets.SelectionSlider, widgets.Dropdown)):
            options = [o[1] if isinstance(o, tuple) else o for o in control.options]
            old, new = options.index(old), options.index(new)
        return -1 if new < old else 1
    except (TypeError, ValueError):
        return 1


class Explorer:
    """The shared machinery; subclasses declare ``figure`` and define ``compute`` and ``draw``.

    Args:
        controls: the control specs, in display order.
        columns: control names per column of the control area (default: one column of all).
        below: extra widgets under the status line (e.g. a table).
        image_beside: put the picture to the right of the controls (else under them).
        resets: control name -> function of its new value giving other controls' new values
            (set together, one redraw).
        visible: control name -> function of the values, False hides the control.
    """

    #: the figure's kind, a key of :data:`course_lib.plotting.explorer_layout.EXPLORER_FIGURES`
    figure_kind = "schedule"
    #: a callable ``defer(fn, *args)`` that schedules a redraw; None: the kernel's loop if one
    #: runs, else at once. Tests set it to collect the redraws and run them later.
    defer: Callable[..., Any] | None = None
    #: after a change, compute the settings one step away on each control while the kernel is
    #: idle (:func:`~course_lib.explorers.controls.neighbours`; the moved control's next step
    #: first), one per turn of the event loop, stopped by the next change: for an explorer whose
    #: ``compute`` is slow, pure and memoised (keyed by the settings), so a next step is a cache hit.
    warm_ahead = False
    #: at most this many neighbouring settings computed after one change
    warm_limit = 8
    #: a callable ``idle(fn, *args)`` that runs a warming step when the kernel is idle; None: the
    #: kernel's loop if one runs, else no warming. The benchmark sets it (the learner looks at a frame).
    idle: Callable[..., Any] | None = None

    def __init__(
        self,
        controls: Sequence[ParamSpec],
        *,
        columns: Sequence[Sequence[str]] | None = None,
        below: Sequence[widgets.Widget] = (),
        image_beside: bool = False,
        resets: Mapping[str, Callable[[Any], dict]] | None = None,
        visible: Mapping[str, Callable[[dict], bool]] | None = None,
    ) -> None:
        self.figure, self.axes = explorer_figure(self.figure_kind)
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
        self.status = widgets.HTML()
        self.alt = widgets.HTML(layout=widgets.Layout(display="none"))  # the picture's text alternative
        self.alt.add_class(ALT_CLASS)
        self.last_result: Any = None
        self.last_error: Exception | None = None  # what the last redraw raised (shown in the status line)
        #: course_lib's warnings of the last update (first sentences), also shown in the status line
        self.warnings: list[str] = []
        self.renders = 0
        self._png: bytes | None = None
        self._alt = ""
        self._holding = False
        self._generation = self._drawn = 0
        self._moved: tuple[str | None, int] = (None, 1)  # the control a change moved, and which way
        self._resets = dict(resets or {})
        self._visible = dict(visible or {})
        self._controls: dict[str, widgets.Widget] = {}
        self._boxes: dict[str, widgets.Box] = {}
        for spec in controls:
            self._add(spec)
        names = [spec.name for spec in controls]
        self._columns = [list(c) for c in columns] if columns else [names]
        self._box = widgets.HBox(
            [widgets.VBox([self._controls[n] for n in col]) for col in self._columns],
            layout=widgets.Layout(flex_flow="row wrap"),
        )
        if image_beside:
            top = widgets.HBox(
                [widgets.VBox([self._box], layout=widgets.Layout(width="400px")), self.image],
                layout=widgets.Layout(flex_flow="row wrap"),
            )
            parts = [top, *below, self.status]
        else:
            parts = [self._box, self.status, self.image, *below]
        self.widget = widgets.VBox(parts)
        self.widget.add_class(EXPLORER_CLASS)
        self.widget.children = (*self.widget.children, self.alt, handle_namer())
        self._sync_visibility()

    # -- controls ----------------------------------------------------------------------------

    def _add(self, spec: ParamSpec) -> widgets.Widget:
        control = make_control(spec)
        label = spec.label if isinstance(spec, Control) and spec.label else spec.name
        control.on_refused = lambda given, kept, err: self._refused(label, given, kept)
        control.observe(self._on_change, names="value")
        self._controls[spec.name] = control
        return control

    def _refused(self, label: str, given: Any, kept: Any) -> None:
        """A control was set to a value it cannot take: it kept its last one; say so."""
        self.status.value = message_html(
            f"{label}: {given!r:.60} is not a value this control takes; kept {kept!r:.60}", RED
        )

    def replace_controls(self, old: Sequence[str], specs: Sequence[ParamSpec], column: int = 0) -> None:
        """Swap the controls named ``old`` for new ones from ``specs`` (in column ``column``)."""
        for name in old:
            control = self._controls.pop(name)
            control.unobserve(self._on_change, names="value")
            control.close()
        names = self._columns[column]
        at = min((names.index(n) for n in old), default=len(names))  # where the old ones stood
        kept = [n for n in names if n not in old]
        for spec in specs:
            self._add(spec)
        self._columns[column] = kept[:at] + [spec.name for spec in specs] + kept[at:]
        self._box.children[column].children = tuple(self._controls[n] for n in self._columns[column])

    @property
    def controls(self) -> dict[str, widgets.Widget]:
        """Control name -> widget (set ``.value`` to drive the explorer from code)."""
        return dict(self._controls)

    def values(self) -> dict[str, Any]:
        """The current value of every control."""
        return {name: control.value for name, control in self._controls.items()}

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Change several controls, redraw once (by the caller) afterwards."""
        before, self._holding = self._holding, True
        try:
            yield
        finally:
            self._holding = before

    def _sync_visibility(self) -> None:
        values = self.values()
        for name, shown in self._visible.items():
            if name in self._controls:
                self._controls[name].layout.display = None if shown(values) else "none"

    # -- a change, coalesced ------------------------------------------------------------------

    def _on_change(self, change: dict) -> None:
        if self._holding:
            return
        owner = next((n for n, c in self._controls.items() if c is change["owner"]), None)
        self._moved = (owner, _direction(change.get("old"), change.get("new"), change["owner"]))
        if owner in self._resets:
            with self.hold():
                for name, value in self._resets[owner](change["new"]).items():
                    self._controls[name].value = value
        self._sync_visibility()
        self.request()

    def request(self) -> None:
        """Ask for a redraw: at once outside a kernel, else soon (the newest request wins)."""
        self._generation += 1
        defer = self.defer
        if defer is None:
            loop = _running_loop()
            if loop is None:
                return self._run(self._generation)
            defer = lambda fn, *args: loop.call_later(COALESCE_S, fn, *args)  # noqa: E731
        defer(self._run, self._generation, True)

    def _run(self, generation: int, deferred: bool = False) -> None:
        if generation != self._generation or generation == self._drawn:
            return  # a newer change is on its way, or this one is drawn already
        self._drawn = generation
        self.last_error = None
        try:
            self.update()
        except Exception as err:  # noqa: BLE001 - shown in the status line: an observer has no cell to fail
            self.last_error = err  # the tests read it: an explorer that raises is a bug
            self.status.value = message_html(f"{type(err).__name__}: {err}", RED)
            return
        if self.warm_ahead and not isinstance(self.last_result, str):
            self._when_idle(self._warm, generation, self.ahead())

    def ahead(self) -> list[dict[str, Any]]:
        """The settings one step away from the current one on each shown control, at most
        :attr:`warm_limit`: the moved control's next step (the way it moved) first."""
        values = self.values()
        moved, direction = self._moved
        names = sorted(self._controls, key=lambda n: n != moved)  # the moved control first, the rest in order
        settings = [
            {**values, name: value}
            for name in names
            if self._controls[name].layout.display != "none"
            for value in neighbours(self._controls[name], direction if name == moved else 1)
        ]
        return settings[: self.warm_limit]

    def _when_idle(self, fn: Callable[..., Any], *args: Any, delay: float = WARM_DELAY_S) -> None:
        """Run ``fn(*args)`` when the kernel is idle (``delay`` seconds on its loop), or hand it to :attr:`idle`."""
        idle = self.idle
        if idle is None:
            loop = _running_loop()
            if loop is None:
                return  # outside a kernel nobody waits between changes: no warming
            idle = lambda fn, *args: loop.call_later(delay, fn, *args)  # noqa: E731
        idle(fn, *args)

    def warm_steps(self, values: dict[str, Any]) -> list[Callable[[], Any]]:
        """What computing ``values`` takes, as calls run one per turn of the kernel's loop when it
        warms ahead (default: one call, ``compute``). An explorer whose compute trains several runs
        returns one call per run, so a learner's move waits for one run at most."""
        return [functools.partial(self.compute, values)]

    def _warm(self, generation: int, queue: list[Any]) -> None:
        """Run the next warming call of ``queue`` (settings, expanded into their :meth:`warm_steps`),
        for its cache (the result is dropped), then ask for the next turn."""
        if generation != self._generation:
            return  # a newer change: its own neighbours come next
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a neighbour's warnings are said when it is drawn
            try:
                while queue and isinstance(queue[0], dict):
                    queue[:1] = self.warm_steps(queue[0])
                if queue:
                    queue.pop(0)()
            except Exception:  # noqa: BLE001 - a setting that fails fails again, visibly, when chosen
                pass
        if queue:  # the next one after the messages that arrived meanwhile (a change stops it)
            self._when_idle(self._warm, generation, queue, delay=COALESCE_S)

    def flush(self) -> None:
        """Draw a pending change now (before the explorer is displayed, say)."""
        if self._drawn != self._generation:
            self._run(self._generation)

    # -- compute, draw, render ----------------------------------------------------------------

    def compute(self, values: dict[str, Any]) -> Any:  # pragma: no cover - abstract
        """Control values -> the result to draw (a str: a message to show instead)."""
        raise NotImplementedError

    def draw(self, result: Any, values: dict[str, Any]) -> None:  # pragma: no cover - abstract
        """Update ``self.figure`` in place for ``result``."""
        raise NotImplementedError

    def describe(self, result: Any, values: dict[str, Any]) -> tuple[str, str]:
        """The status line under the controls and its colour (default: none)."""
        return "", GREEN

    def update(self) -> None:
        """Compute from the current values, redraw the figure in place and render one frame."""
        values = self.values()
        with explorer_warnings() as said:  # course_lib's warnings join the status line
            result = self.compute(values)
            self.last_result = result
            if not isinstance(result, str):
                text, color = self.describe(result, values)
                self.draw(result, values)
                self.render()
        self.warnings = said
        if isinstance(result, str):
            self.status.value = message_html("\n".join([result, *said]), RED)
            self.image.layout.display = "none"
            self.on_message(result)
            return
        lines = [message_html(text, color)] if text else []
        self.status.value = "".join(lines + [message_html(f"warning: {w}", AMBER) for w in said])

    def on_message(self, message: str) -> None:
        """What else to clear when compute returns a message instead of a result."""

    def paint(self) -> None:
        """Draw the figure onto its canvas (an explorer with a static layer blits instead)."""
        self.figure.canvas.draw()

    def render(self) -> None:
        """Paint the figure and encode it once (the frame the image shows and the notebook stores)."""
        self.paint()
        self._png = frame_png(self.figure, draw=False)
        self._alt = describe_figure(self.figure)
        self.image.value = self._png
        self.alt.value = html.escape(self._alt)  # the picture's alt text in the page (set by NAME_HANDLES_JS)
        self.image.layout.display = None
        self.renders += 1
        show_frame(self.figure)

    # -- display ------------------------------------------------------------------------------

    def snapshot_png(self) -> bytes | None:
        """The current frame as PNG bytes (None before the first picture): the bytes on screen."""
        self.flush()
        return self._png

    def snapshot(self) -> tuple[bytes, str] | None:
        """(the current frame's PNG bytes, its description), or None before the first picture."""
        self.flush()
        return None if self._png is None else (self._png, self._alt)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The live widget, plus the PNG of its current frame for readers without a kernel.

        A live JupyterLab renders the widget (its mimetype ranks first); a stored notebook keeps
        the PNG (scripts/execute_notebooks.py drops the widget reference, whose model is not
        saved), so a browsed page still shows the plot. The frame is the one already encoded for
        the image widget: nothing is drawn twice. The PNG's metadata carries its description as
        ``alt`` (the website's alt text), and so does the plain text.
        """
        bundle = dict(self.widget._repr_mimebundle_(**kwargs))
        snapshot = self.snapshot()
        if snapshot is None:
            return bundle
        png, alt = snapshot
        bundle["image/png"] = base64.b64encode(png).decode("ascii")
        bundle["text/plain"] = alt
        return bundle, {"image/png": {"alt": alt}}
