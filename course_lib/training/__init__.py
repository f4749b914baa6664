"""Training: run a rate schedule on a model or a surface and record what happened.

NumPy descent on the course's surfaces, the torch loop, seeds, plateau policy, models,
checkpoints, snapshot ensembles, the range test and large batches on ``torch.distributed``.
Importing this room does not import torch; reading a torch-backed name does.
"""
from __future__ import annotations

from course_lib.lazy import lazy_exports

#: exported name -> the module of this room that defines it
_EXPORTS = {
    'METHODS': 'adaptive',
    'DEFAULT_EPS': 'adaptive',
    'adagrad_step': 'adaptive',
    'rmsprop_step': 'adaptive',
    'adam_step': 'adaptive',
    'run_adaptive': 'adaptive',
    'save_checkpoint': 'checkpoint',
    'load_checkpoint': 'checkpoint',
    'epoch_batches': 'checkpoint',
    'train_steps': 'checkpoint',
    'shard_indices': 'distributed',
    'mlp_factory': 'distributed',
    'scaled_schedule': 'distributed',
    'WorkerError': 'distributed',
    'LaunchTimeout': 'distributed',
    'start_fork_server': 'distributed',
    'DistributedResult': 'distributed',
    'train_distributed': 'distributed',
    'train_distributed_many': 'distributed',
    'train_simulated': 'distributed',
    'START_METHODS': 'distributed',
    'FORKSERVER_PRELOAD': 'distributed',
    'History': 'history',
    'RangeTestResult': 'lr_finder',
    'lr_range_test': 'lr_finder',
    'lr_range_test_numpy': 'lr_finder',
    'lr_sweep': 'lr_finder',
    'smooth_losses': 'lr_finder',
    'suggest_valley': 'lr_finder',
    'suggest_slide': 'lr_finder',
    'suggest_minimum': 'lr_finder',
    'suggest_steepest': 'lr_finder',
    'RANGE_TEST_RULES': 'lr_finder',
    'SUGGESTERS': 'lr_finder',
    'ACTIVATIONS': 'models',
    'INIT_SCHEMES': 'models',
    'mlp': 'models',
    'linear': 'models',
    'n_params': 'models',
    'initialize': 'models',
    'ReduceLROnPlateau': 'plateau',
    'SnapshotRun': 'snapshots',
    'EnsembleScores': 'snapshots',
    'snapshot_epochs_of': 'snapshots',
    'train_snapshots': 'snapshots',
    'predict_proba': 'snapshots',
    'ensemble_proba': 'snapshots',
    'score_snapshots': 'snapshots',
    'run_gd': 'trainers',
    'train_torch': 'trainers',
    'run_many': 'trainers',
    'summarize': 'trainers',
    'mean_curve': 'trainers',
    'OPTIMIZERS': 'trainers',
    'LOSSES': 'trainers',
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
