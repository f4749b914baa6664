"""Studies: the measurements and multi-seed comparisons the lessons run and assert on.

``measures`` (one number from a History: excess loss, steps to a tolerance, partial sums,
progress per axis, the early spike), ``comparison`` (Budget, tune_lr, compare_schedules),
``warmup`` (sharpness, Adam's first steps), ``language_model`` (a small Transformer LM on generated
text under a schedule, over seeds), ``averaging`` (averaging the iterates against cosine and WSD at an
equal budget), and the studies behind the explorers: ``gradient_descent``
(a schedule on a 2-D problem), ``plateau``, ``results``, ``large_batch``; ``batch_size`` (beyond linear
scaling: the gradient noise scale, steps to a target against the batch, the critical batch, a batch
grown instead of a rate decayed); ``weight_decay`` (scale-invariant weights under weight decay: steady norm,
turn per update); ``fine_tuning`` (a rate per parameter group: fine-tuning a pre-trained MLP with discriminative
rates against one rate for all); ``width_transfer`` (does a tuned rate transfer to a wider MLP: the standard
parameterisation against a µP-style one, rate sweeps per width);
``replication`` (a claim a lesson draws from random runs, as one re-runnable function of seeds) and
``claims`` (the registered claims, one module per topic: ``studies.claim(name).run(seeds)``).

>>> from course_lib import studies, schedules
>>> studies.partial_sums(schedules.constant(0.1), 3).round(2).tolist()
[0.1, 0.2, 0.3]
"""

from __future__ import annotations

from course_lib.lazy import lazy_exports

#: exported name -> the module of this room that defines it
_EXPORTS = {
    'check_history': 'measures',
    'ScaleInvariantRun': 'weight_decay',
    'FineTuneSetup': 'fine_tuning',
    'FineTuneRun': 'fine_tuning',
    'FINE_TUNE_ARMS': 'fine_tuning',
    'pretrained_student': 'fine_tuning',
    'fine_tune': 'fine_tuning',
    'fine_tune_arms': 'fine_tuning',
    'fine_tune_tasks': 'fine_tuning',
    'run_scale_invariant': 'weight_decay',
    'rms_turn': 'weight_decay',
    'relaxation_step': 'weight_decay',
    'excess_loss': 'measures',
    'late_excess_loss': 'measures',
    'noise_floor': 'measures',
    'steps_to_tolerance': 'measures',
    'partial_sums': 'measures',
    'axis_progress': 'measures',
    'early_spike': 'measures',
    'Budget': 'comparison',
    'run_score': 'comparison',
    'LRSweep': 'comparison',
    'tune_lr': 'comparison',
    'Comparison': 'comparison',
    'compare_schedules': 'comparison',
    'sharpness': 'warmup',
    'SharpnessTrace': 'warmup',
    'sharpness_during_training': 'warmup',
    'adam_update_sizes': 'warmup',
    'first_step_ratio': 'warmup',
    'student_setup': 'claims.warmup',
    'StudentSetup': 'claims.warmup',
    'run_plateau_experiment': 'plateau',
    'describe_plateau': 'plateau',
    'run_large_batch_experiment': 'large_batch',
    'describe_large_batch': 'large_batch',
    'PROBLEMS': 'gradient_descent',
    'PROBLEM_DEFAULTS': 'gradient_descent',
    'make_problem': 'gradient_descent',
    'run_gd_experiment': 'gradient_descent',
    'describe_run': 'gradient_descent',
    'RESULT_METRICS': 'results',
    'select_results': 'results',
    'describe_results': 'results',
    'LMSetup': 'language_model',
    'train_lm': 'language_model',
    'run_lm_schedules': 'language_model',
    'run_lm_branches': 'language_model',
    'first_step_below': 'language_model',
    'paired_drop': 'language_model',
    'AVERAGING_ARMS': 'averaging',
    'averaging_finals': 'averaging',
    'averaged_history': 'averaging',
    'tuned_finals': 'averaging',
    'schedule_free_paths': 'averaging',
    'descent_paths': 'seed_batch',
    'NoiseScale': 'batch_size',
    'noise_scale': 'batch_size',
    'two_batch_noise_scale': 'batch_size',
    'sampled_noise_scale': 'batch_size',
    'noise_scale_at_loss': 'batch_size',
    'model_noise_scale': 'batch_size',
    'Phase': 'batch_size',
    'run_phases': 'batch_size',
    'examples_seen': 'batch_size',
    'steps_to_target': 'batch_size',
    'BatchSweep': 'batch_size',
    'batch_size_sweep': 'batch_size',
    'Tradeoff': 'batch_size',
    'fit_tradeoff': 'batch_size',
    'decay_or_grow': 'batch_size',
    'PARAMETERISATIONS': 'width_transfer',
    'layer_rates': 'width_transfer',
    'width_param_groups': 'width_transfer',
    'WidthSweep': 'width_transfer',
    'width_sweep': 'width_transfer',
    'best_lr_drift': 'width_transfer',
    'transfer_losses': 'width_transfer',
    'Claim': 'replication',
    'Runs': 'replication',
    'Estimate': 'replication',
    'claim': 'replication',
    'all_claims': 'replication',
    'replicate': 'replication',
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
