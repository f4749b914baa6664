"""course_lib: the support package of *Learning Rates, Hands-On*. This docstring is the map.

Every notebook imports the rooms by name, with one line and no aliases::

    from course_lib import schedules, problems, training, studies, plotting, explorers, exercises, references

The rooms, from the bottom up (a room imports only rooms above it in this list):

``i18n``
    The language course_lib speaks to a learner (English by default; ``COURSE_LANG=zh_CN`` or
    ``i18n.use_language("zh_CN")`` for Chinese): ``tr(message, **values)`` looks a message up in the
    compiled gettext catalog; its docstring has the recipe for wrapping a message.

``validation``, ``warn``, ``lazy``, ``torch_optional``, ``display``
    The argument checks every room uses (errors name the argument, the value and what is allowed),
    the one way course_lib warns (``warn``: blamed on the learner's line, not on course_lib's),
    the lazy re-exports that keep torch out of a room until a torch-backed name is read, and,
    where torch is not installed, the notebook cell guard that turns a torch cell into one line
    ("this cell needs PyTorch") instead of a traceback, so that the NumPy lessons run on their own;
    and how results show in a notebook (``display``: markdown tables that render, progress bars that
    store their final state, ``in_kernel()``, and the save hook that stores an explorer as its picture
    and one line instead of a widget reference no reopened notebook can show).

``schedules``
    Learning-rate schedules as small immutable callables, vectorised over numpy arrays: the
    families (decay, cycles), composition (ramp, join, warm-up, WSD), the registry (one row per
    schedule: example, explorer controls, "fit to (peak lr, T)" recipe, torch twin) and the torch
    bridge. NumPy only; the parameter vocabulary is in its docstring. Add a schedule here.

``problems``
    What is optimised: 2-D surfaces (quadratic bowl, Rosenbrock, multi-basin), regression problems
    and small data sets (digits, spirals, teacher-student, a text corpus for a language model),
    generated or shipped with a package.

``training``
    Running a schedule: the run plan (epochs, batch size, steps per epoch, T), one NumPy descent
    loop with SGD/momentum/AdaGrad/RMSProp/Adam update rules, the torch loop on one screen with its
    frozen config, seeds (mean and band), plateau policy, models (an MLP, a small Transformer
    language model), checkpoints, snapshot ensembles, averaging the iterates (Polyak, EMA, SWA)
    and schedule-free SGD,
    the range test and large batches on ``torch.distributed``. Every run returns a ``History``.
    Importing it does not import torch; reading a torch-backed name does.

``references``
    Other libraries' rules (torch, Keras, Hugging Face, timm) and the five articles' formulas, kept
    as written so the lessons can compare and correct them; the concept index, and the terminology
    table (each term in English and in the Chinese the translation uses, with the articles' words).

``studies``
    The measurements and experiments the lessons assert on: excess loss, partial sums, sharpness,
    budget-matched comparisons tuned over seeds (averaging against annealing among them), the plateau
    and large-batch studies, the gradient noise scale and the critical batch size (steps against the
    batch), a small
    Transformer language model under a schedule over seeds.

``plotting``
    Every figure and its look: ``plotting.style`` is the one place for colours, markers, labels and
    rcParams. Functions take schedules and Histories, draw, and never train.

``explorers``
    The interactive figures: each explorer declares its controls over a pure function of
    ``studies``/``schedules`` and a ``plotting`` draw function that updates the figure in place.

``exercises``
    The learner's checks (``check_*``: a verdict and an explanation) and their reference solutions.

"""

from course_lib import torch_optional as _torch_optional  # noqa: E402

# Inside IPython without torch: torch cells say what they need in one line instead of raising.
_torch_optional.enable()
