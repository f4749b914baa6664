"""Training: run a rate schedule on a model or a surface and record what happened.

By concept, one module each: ``plan`` (a run's plan: steps per epoch, the horizon T and its
check against the schedule), ``history`` (the record), ``update_rules`` (the NumPy update
rules), ``gd`` (the one descent loop that drives them; ``problem_checks`` tries a learner's own
problem before it), ``factories`` (optimizer and loss by
name), ``torch_loop`` (TrainConfig and the torch loop on one screen), ``seeds`` (repeats,
mean ± band), ``plateau``, ``models``, ``transformer`` (a small causal Transformer language
model, post-LN or pre-LN), ``checkpoint``, ``snapshots``, ``averaging`` (tail average, EMA and
SWA of the iterates; schedule-free SGD) and its torch twins ``averaging_torch``, ``suggest`` and
``lr_finder`` (the range test), ``distributed`` (data-parallel training) and ``launch`` (its worker processes),
``weight_decay`` (decoupled decay and the rate: formulas, the NumPy AdamW step) and ``param_groups``
(no decay on biases and norms, one group per layer).
Result tables and progress bars are ``course_lib.display``'s.
Importing this room does not import torch; reading a torch-backed name does.

>>> from course_lib import training, problems, schedules
>>> h = training.run_gd(problems.quadratic_bowl(), schedules.constant(0.5), 10)
>>> len(h.lr), h.diverged
(10, False)
"""

from __future__ import annotations

from course_lib.lazy import lazy_exports

#: exported name -> the module of this room that defines it
_EXPORTS = {
    'METHODS': 'update_rules',
    'DEFAULT_EPS': 'update_rules',
    'clip_gradient': 'update_rules',
    'sgd_step': 'update_rules',
    'momentum_step': 'update_rules',
    'adagrad_step': 'update_rules',
    'rmsprop_step': 'update_rules',
    'adam_step': 'update_rules',
    'descend': 'gd',
    'Descent': 'gd',
    'GDConfig': 'gd',
    'gd_config': 'gd',
    'run_gd': 'gd',
    'run_adaptive': 'gd',
    'sgd_final_points': 'gd',
    'rates': 'plan',
    'momenta': 'plan',
    'RunPlan': 'plan',
    'steps_per_epoch': 'plan',
    'schedule_horizon': 'plan',
    'check_horizon': 'plan',
    'HorizonWarning': 'plan',
    'History': 'history',
    'schedule_config': 'history',
    'schedule_from_config': 'history',
    'run_many': 'seeds',
    'summarize': 'seeds',
    'mean_curve': 'seeds',
    'stack_runs': 'seeds',
    'moving_average': 'seeds',
    'mean_and_std': 'seeds',
    'mean_and_band': 'seeds',
    'OPTIMIZERS': 'factories',
    'LOSSES': 'factories',
    'make_optimizer': 'factories',
    'make_loss': 'factories',
    'TrainConfig': 'torch_loop',
    'train_torch': 'torch_loop',
    'as_config': 'torch_loop',
    'save_checkpoint': 'checkpoint',
    'load_checkpoint': 'checkpoint',
    'epoch_batches': 'checkpoint',
    'train_steps': 'checkpoint',
    'CheckpointError': 'checkpoint',
    'NoCheckpoint': 'checkpoint',
    'shard_indices': 'distributed',
    'mlp_factory': 'distributed',
    'WorkerError': 'launch',
    'LaunchTimeout': 'launch',
    'start_fork_server': 'launch',
    'launch_plan': 'launch',
    'DistributedResult': 'distributed',
    'train_distributed': 'distributed',
    'train_distributed_many': 'distributed',
    'train_simulated': 'distributed',
    'START_METHODS': 'launch',
    'FORKSERVER_PRELOAD': 'launch',
    'RangeTestResult': 'lr_finder',
    'StopOnDivergence': 'lr_finder',
    'lr_range_test': 'lr_finder',
    'lr_range_test_numpy': 'lr_finder',
    'RANGE_TEST_RULES': 'lr_finder',
    'lr_sweep': 'suggest',
    'smooth_losses': 'suggest',
    'suggest_valley': 'suggest',
    'suggest_slide': 'suggest',
    'suggest_minimum': 'suggest',
    'suggest_steepest': 'suggest',
    'SUGGESTERS': 'suggest',
    'ACTIVATIONS': 'models',
    'INIT_SCHEMES': 'models',
    'mlp': 'models',
    'linear': 'models',
    'n_params': 'models',
    'initialize': 'models',
    'build_seeded': 'models',
    'TinyLM': 'transformer',
    'transformer_lm': 'transformer',
    'ReduceLROnPlateau': 'plateau',
    'SnapshotRun': 'snapshots',
    'EnsembleScores': 'snapshots',
    'snapshot_epochs_of': 'snapshots',
    'train_snapshots': 'snapshots',
    'predict_proba': 'snapshots',
    'ensemble_proba': 'snapshots',
    'score_snapshots': 'snapshots',
    'tail_average': 'averaging',
    'ema': 'averaging',
    'ema_memory': 'averaging',
    'swa': 'averaging',
    'schedule_free_path': 'averaging',
    'run_schedule_free': 'averaging',
    'ScheduleFreeSGD': 'averaging_torch',
    'averaged_model': 'averaging_torch',
    'decay_factors': 'weight_decay',
    'decay_timescale': 'weight_decay',
    'timescale_weight_decay': 'weight_decay',
    'equilibrium_angular_update': 'weight_decay',
    'equilibrium_norm': 'weight_decay',
    'adamw_step': 'weight_decay',
    'decay_groups': 'param_groups',
    'layer_groups': 'param_groups',
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
