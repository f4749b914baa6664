"""The terminology table's rows for schedules, warm-up, cool-down, restarts and averaging.

The words of training and optimizers, and :class:`~course_lib.references.terminology_table.Term`
itself, are in ``terminology_table``; :mod:`course_lib.references.terminology` joins the two.

>>> SECTIONS["Warm-up, cool-down, restarts"][0].zh
'预热'
"""

from __future__ import annotations

from course_lib.references.terminology_table import D2L_OPT, PT_OPTIM, Term

__all__ = ["SECTIONS"]

#: section title -> its terms
SECTIONS: dict[str, tuple[Term, ...]] = {
    "Schedules": (
        Term(
            "learning-rate schedule",
            "学习率调度",
            (D2L_OPT + "lr-scheduler.md",),
            seed_terms=("学习率调整策略", "动态学习率", "学习率初始化"),
            en_variants=("schedule", "LR schedule", "scheduling"),
            zh_variants=("调度",),
            wrong=("学习率初始化",),
            glossary=True,
            wrong_in_seeds="000 calls its whole topic 学习率初始化 and then defines it as weight initialization "
            "(S1); 001's 动态学习率 and 学习率调整策略 (001, 004) lump schedules and adaptive methods together (S19).",
        ),
        Term(
            "scheduler",
            "调度器",
            (D2L_OPT + "lr-scheduler.md", PT_OPTIM),
            zh_variants=("调度程序",),
            code=("torch.optim.lr_scheduler",),
        ),
        Term(
            "constant learning rate",
            "固定学习率",
            (D2L_OPT + "lr-scheduler.md",),
            seed_terms=("固定学习率", "静态学习率"),
            en_variants=("constant rate", "fixed learning rate", "fixed rate", "constant schedule"),
            zh_variants=("恒定学习率", "常数学习率", "固定的学习率"),
            code=("constant",),
            glossary=True,
            wrong_in_seeds="001 calls it 静态学习率, an unusual but not a wrong name.",
        ),
        Term(
            "learning-rate decay",
            "学习率衰减",
            (D2L_OPT + "rmsprop.md", PT_OPTIM),
            seed_terms=("学习率衰减", "学习率衰减初始化"),
            en_variants=("LR decay",),
            wrong=("学习率衰减初始化",),
            glossary=True,
            wrong_in_seeds="000's 学习率衰减初始化 (S1); decay is said to avoid overfitting (S7) and to be "
            "expensive per step (003, S38).",
        ),
        Term(
            "decay factor",
            "衰减因子",
            (PT_OPTIM,),
            seed_terms=("衰减因子",),
            en_variants=("multiplicative factor",),
            zh_variants=("乘法因子",),
            wrong_in_seeds="003: 'if γ is set large the rate decays too fast' (S43): reversed, γ near 1 decays slowest",
        ),
        Term(
            "step decay",
            "阶梯式衰减",
            seed_terms=("阶梯式衰减",),
            zh_variants=("阶梯衰减",),
            code=("step_decay", "StepLR"),
            glossary=True,
            wrong_in_seeds="003 names it in a list of decays and never shows it.",
        ),
        Term(
            "multi-step decay",
            "多步衰减",
            (D2L_OPT + "lr-scheduler.md",),
            en_variants=("multistep decay", "multi-step", "multi-step schedule"),
            zh_variants=("多步", "多因子调度"),
            code=("multistep_decay", "MultiStepLR"),
            note="d2l-zh calls MXNet's version 多因子调度器 ('multi-factor scheduler').",
        ),
        Term("piecewise constant", "分段常数", (D2L_OPT + "sgd.md",), code=("piecewise_constant",)),
        Term(
            "exponential decay",
            "指数衰减",
            (D2L_OPT + "sgd.md",),
            seed_terms=("指数衰减", "指数移平均衰减"),
            wrong=("指数移平均衰减",),
            code=("exponential_decay", "ExponentialLR"),
            glossary=True,
            wrong_in_seeds="003's 指数衰减 (η₀γ^t) is right. 000's 指数移平均衰减 averages nothing and starts "
            "above η₀ (S3); 000, 001 and 004 give the name 指数衰减 to linear, inverse-sqrt and inverse-time "
            "decays (S2, S14, S48).",
        ),
        Term(
            "staircase",
            "阶梯式",
            zh_variants=("staircase",),
            wrong_in_seeds="001's listings compute a staircase inverse-time decay under another formula (S18).",
        ),
        Term(
            "linear decay",
            "线性衰减",
            (PT_OPTIM,),
            seed_terms=("线性衰减", "指数衰减"),
            zh_variants=("线性退火",),
            wrong=("指数衰减",),
            code=("linear_decay", "LinearLR"),
            wrong_in_seeds="000 calls η₀(1 − αt) 指数衰减 (S2); 001 takes T for the size of the training set (S15).",
        ),
        Term(
            "inverse-time decay",
            "逆时衰减",
            seed_terms=("红内学习率", "红外学习率", "指数衰减"),
            zh_variants=("逆时间衰减", "反时间衰减"),
            wrong=("红内学习率", "红外学习率", "指数衰减"),
            code=("inverse_time_decay", "InverseTimeDecay"),
            glossary=True,
            wrong_in_seeds="004 names η₀/(1 + γt) 红内学习率 or 红外学习率 (garbled, S49) and titles its code "
            "指数衰减 (S48).",
        ),
        Term(
            "inverse square root decay",
            "平方根倒数衰减",
            (D2L_OPT + "sgd.md",),
            seed_terms=("指数衰减", "基于梯度的学习率衰减"),
            en_variants=("inverse-sqrt decay", "inverse-sqrt", "inverse square root"),
            zh_variants=("逆平方根衰减", "平方根倒数"),
            wrong=("指数衰减", "基于梯度的学习率衰减"),
            code=("inverse_sqrt_decay",),
            glossary=True,
            wrong_in_seeds="001 calls η₀/√(1 + αt) 指数衰减 (S14) and, with t/T inside, 基于梯度的学习率衰减, "
            "though no gradient appears (S16).",
        ),
        Term(
            "polynomial decay",
            "多项式衰减",
            (D2L_OPT + "lr-scheduler.md",),
            code=("polynomial_decay", "PolynomialLR"),
            note="d2l-zh's sgd.md gives this name to η₀(βt + 1)^−α, a power of 1/t; its lr-scheduler.md "
            "(PolyScheduler), PyTorch and the course mean η₀(1 − t/T)^p, which ends at T.",
        ),
        Term(
            "cosine decay",
            "余弦衰减",
            (PT_OPTIM, D2L_OPT + "lr-scheduler.md"),
            seed_terms=("余弦衰减",),
            en_variants=("cosine annealing", "cosine schedule", "cosine"),
            zh_variants=("余弦退火", "余弦调度", "余弦"),
            code=("cosine_decay", "CosineAnnealingLR"),
            glossary=True,
            wrong_in_seeds="003 names it in a list of decays and never shows it.",
            note="PyTorch's Chinese page says 余弦退火, d2l-zh 余弦调度器; both are accepted.",
        ),
        Term("half-life", "半衰期", (D2L_OPT + "rmsprop.md",), en_variants=("half-lives",)),
        Term(
            "Robbins–Monro conditions",
            "Robbins–Monro 条件",
            en_variants=("Robbins–Monro", "Robbins"),
            zh_variants=("Robbins",),
        ),
        Term("noam schedule", "Noam 调度", en_variants=("noam",), zh_variants=("Noam",), code=("noam",)),
        Term("k-decay", "k-decay", code=("k_decay",)),
        Term("learning-rate noise", "学习率噪声", en_variants=("noisy schedule",), code=("noisy",)),
        Term(
            "cyclical learning rate",
            "循环学习率",
            (PT_OPTIM,),
            en_variants=("cyclic learning rate", "cyclical rate"),
            zh_variants=("周期学习率", "周期性学习率"),
            code=("cyclic", "CyclicLR"),
            wrong_in_seeds="000's code passes cycle_length= to SGD (S8), an argument that never existed.",
        ),
        Term("triangular", "三角形", (PT_OPTIM,), zh_variants=("三角",)),
        Term(
            "one-cycle",
            "1cycle",
            (PT_OPTIM,),
            en_variants=("1cycle",),
            zh_variants=("单周期", "one-cycle"),
            code=("one_cycle", "OneCycleLR"),
        ),
    ),
    "Warm-up, cool-down, restarts": (
        Term(
            "warm-up",
            "预热",
            (D2L_OPT + "lr-scheduler.md",),
            seed_terms=("学习率 warm-up",),
            code=("warmup", "LinearLR"),
            glossary=True,
            wrong_in_seeds="002's 'warm-up' holds the rate flat, then jumps at W (S24, S25), and its example "
            "falls instead of rising (S28); the word is fine, d2l-zh's is 预热.",
            note="PyTorch's Chinese tutorials also write 预热 for 'warm-starting' a model from another's weights, "
            "a different thing.",
        ),
        Term(
            "WSD",
            "WSD",
            en_variants=("warm-up stable decay",),
            zh_variants=("预热-稳定-衰减",),
            code=("warmup_stable_decay",),
        ),
        Term(
            "cool-down",
            "冷却",
            (D2L_OPT + "lr-scheduler.md",),
            note="PyTorch's Chinese 1.4 page uses 冷却时间 for ReduceLROnPlateau's cooldown, the steps it waits "
            "after a cut: not a schedule's cool-down.",
        ),
        Term(
            "peak learning rate", "峰值学习率", en_variants=("peak rate", "peak lr"), zh_variants=("峰值", "最大学习率")
        ),
        Term(
            "initial learning rate",
            "初始学习率",
            (D2L_OPT + "lr-scheduler.md", PT_OPTIM),
            seed_terms=("初始学习率",),
            en_variants=("initial rate", "initial lr"),
        ),
        Term("restart", "重启", (PT_OPTIM,)),
        Term(
            "warm restarts",
            "暖重启",
            (PT_OPTIM,),
            seed_terms=("重启策略",),
            en_variants=("SGDR", "cosine restarts", "cosine with restarts"),
            zh_variants=("热重启", "SGDR"),
            wrong=("暖启动",),
            code=("cosine_restarts", "CosineAnnealingWarmRestarts"),
            glossary=True,
            wrong_in_seeds="000's 重启策略 resets the rate to η₀ every R steps and holds it (S4): nothing anneals "
            "in between; and it is said to escape local minima (S5).",
            note="PyTorch's Chinese 1.4 page says 暖重启, and once 暖启动 ('warm start', a different thing).",
        ),
        Term("snapshot ensemble", "快照集成"),
        Term("plateau", "平台期", (PT_OPTIM, D2L_OPT + "lr-scheduler.md"), zh_variants=("停滞", "平台")),
        Term(
            "reduce-on-plateau",
            "平台期降低学习率",
            (PT_OPTIM,),
            en_variants=("plateau policy", "plateau schedule", "ReduceLROnPlateau"),
            zh_variants=("停滞时降低学习率", "ReduceLROnPlateau", "reduce-on-plateau"),
            code=("ReduceLROnPlateau",),
        ),
    ),
    "Averaging": (
        Term(
            "exponential moving average",
            "指数加权移动平均",
            (D2L_OPT + "adam.md",),
            seed_terms=("指数移动平均",),
            en_variants=("EMA",),
            zh_variants=("指数移动平均", "EMA"),
            wrong_in_seeds="004 says RMSProp scales by an 指数移动平均 of the gradient (S52): of its square.",
        ),
        Term(
            "Polyak averaging",
            "Polyak 平均",
            (PT_OPTIM,),
            en_variants=("Polyak–Ruppert averaging", "iterate averaging", "Polyak average"),
            zh_variants=("迭代平均", "平均随机梯度下降"),
            code=("torch.optim.ASGD",),
        ),
        Term(
            "stochastic weight averaging",
            "随机权重平均",
            en_variants=("SWA",),
            zh_variants=("SWA",),
            code=("torch.optim.swa_utils",),
            note="PyTorch added SWA in 1.6, after the last Chinese translation of its API pages (1.4).",
        ),
        Term("schedule-free", "无调度", zh_variants=("schedule-free",)),
    ),
}
