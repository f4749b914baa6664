"""The terminology table's :class:`Term`, and its rows for training and optimizers.

One :class:`Term` per concept, in sections; the schedules' words are in ``terminology_schedules``;
:mod:`course_lib.references.terminology` joins them (``TERMS``), checks translations against them
and renders them. Add a term in its section; ``tests/references/test_terminology.py`` keeps the
table consistent (unique English and Chinese, every concept of ``concepts.py`` and every registered
schedule covered, every seed term verbatim in an article, every source a file of its source).

>>> SECTIONS["Optimizers"][0].zh
'动量'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Term", "SECTIONS", "D2L_OPT", "D2L_TERMS", "PT_OPTIM", "PT_TUTORIAL"]


@dataclass(frozen=True)
class Term:
    """One term: the course's English, the translation's Chinese, the articles' words, where readers meet it.

    Attributes:
        en: the term as the course writes it (the key of the table).
        zh: the Chinese the translation writes for it.
        source: where Chinese readers meet ``zh`` (or an accepted variant): ``"<key>:<path>"`` with a
            key of ``terminology.SOURCES`` ("d2l-zh", "pytorch-zh", "pytorch-zh-tutorials"); empty
            when neither has the term and the word is this course's choice.
        seed_terms: what the five Chinese articles call it, verbatim (may be empty).
        wrong_in_seeds: where an article's word, or what it says under that word, is wrong (S-IDs
            of /work/shared/seeds/README.md).
        en_variants: other English forms to recognise (plurals and '-'/' ' are recognised anyway).
        zh_variants: other Chinese renderings a translation may use (the one d2l-zh or PyTorch uses,
            where it differs from ``zh``).
        wrong: names that are wrong for this term: article words (a subset of ``seed_terms``) or
            renderings of other Chinese material that ``note`` names. The translation uses them
            only when quoting.
        code: the course_lib schedule names and library names that go with it.
        glossary: notebook 10's glossary explains every one of ``seed_terms``.
        note: where d2l-zh, PyTorch's Chinese docs or the course's Chinese differ or mislead.
    """

    en: str
    zh: str
    source: tuple[str, ...] = ()
    seed_terms: tuple[str, ...] = ()
    wrong_in_seeds: str = ""
    en_variants: tuple[str, ...] = ()
    zh_variants: tuple[str, ...] = ()
    wrong: tuple[str, ...] = ()
    code: tuple[str, ...] = ()
    glossary: bool = False
    note: str = ""

    @property
    def accepted_zh(self) -> tuple[str, ...]:
        """``zh`` and its variants: what a translation of the term may write."""
        return (self.zh, *self.zh_variants)


D2L_OPT = "d2l-zh:chapter_optimization/"
PT_OPTIM = "pytorch-zh:docs/1.4/87.md"  # torch.optim in Chinese, PyTorch 1.4
PT_TUTORIAL = "pytorch-zh-tutorials:docs/2.0/tutorials/beginner/basics/optimization_tutorial.md"
D2L_TERMS = "d2l-zh:TERMINOLOGY.md"

#: section title -> its terms: the words of training and optimizers (schedules: terminology_schedules.py)
SECTIONS: dict[str, tuple[Term, ...]] = {
    "Training": (
        Term(
            "learning rate",
            "学习率",
            (D2L_TERMS, "d2l-zh:chapter_linear-networks/linear-regression.md", PT_OPTIM),
            seed_terms=("学习率",),
            note="PyTorch's Chinese 1.4 page also writes 学习速率 for the same thing; the translation writes 学习率.",
        ),
        Term(
            "loss",
            "损失",
            (D2L_TERMS, "d2l-zh:chapter_linear-networks/linear-regression.md"),
            seed_terms=("损失函数",),
            en_variants=("loss function",),
            wrong_in_seeds="003 writes its loss with x in place of y and gives the loss as its own gradient "
            "(S35, S36); the word is right.",
        ),
        Term(
            "gradient descent",
            "梯度下降",
            (D2L_OPT + "gd.md",),
            seed_terms=("梯度下降",),
            en_variants=("GD",),
            zh_variants=("GD",),
        ),
        Term(
            "full-batch gradient descent",
            "批量梯度下降",
            (D2L_OPT + "minibatch-sgd.md",),
            seed_terms=("批量梯度下降",),
            en_variants=("batch gradient descent", "full-batch GD", "full-batch"),
            zh_variants=("全批量",),
            glossary=True,
            wrong_in_seeds="003 names it with 随机梯度下降 and 小批量梯度下降 but never says how they differ (S46).",
        ),
        Term(
            "stochastic gradient descent",
            "随机梯度下降",
            (D2L_OPT + "sgd.md", PT_OPTIM),
            seed_terms=("随机梯度下降",),
            glossary=True,
            wrong_in_seeds="004 defines it as splitting the data into mini-batches (S54); classically it takes "
            "one example per step.",
        ),
        Term(
            "SGD",
            "SGD",
            (D2L_OPT + "sgd.md", PT_TUTORIAL),
            seed_terms=("SGD",),
            code=("torch.optim.SGD",),
            wrong_in_seeds="002: SGD and Adam 'already support warm-up and decay, just set the parameters' "
            "(S29); an optimizer keeps the rate it is given.",
        ),
        Term("mini-batch", "小批量", (D2L_TERMS, D2L_OPT + "minibatch-sgd.md"), seed_terms=("小批量",)),
        Term(
            "mini-batch SGD",
            "小批量随机梯度下降",
            (D2L_OPT + "minibatch-sgd.md",),
            seed_terms=("小批量梯度下降",),
            en_variants=("mini-batch gradient descent", "mini-batch stochastic gradient descent"),
            zh_variants=("小批量梯度下降", "小批量 SGD"),
            glossary=True,
            wrong_in_seeds="003 names it and never says how it differs from the other two (S46).",
            note="Notebook 02 pairs mini-batch SGD with the articles' 小批量梯度下降; d2l-zh says "
            "小批量随机梯度下降. Both are accepted.",
        ),
        Term(
            "batch size",
            "批量大小",
            (D2L_OPT + "minibatch-sgd.md",),
            seed_terms=("批量大小",),
            note="PyTorch's Chinese tutorial keeps 'Batch Size' in English.",
        ),
        Term(
            "epoch",
            "迭代周期",
            ("d2l-zh:chapter_linear-networks/linear-regression-scratch.md", D2L_TERMS),
            zh_variants=("轮", "epoch"),
            wrong=("纪元",),
            note="d2l-zh writes 迭代周期 and 轮; PyTorch's Chinese 1.4 page renders epoch as 纪元 ('era'), "
            "which the translation avoids.",
        ),
        Term(
            "iteration",
            "迭代",
            (D2L_OPT + "sgd.md",),
            seed_terms=("迭代", "时间滞后"),
            en_variants=("optimizer step", "optimiser step"),
            zh_variants=("步",),
            wrong=("时间滞后",),
            wrong_in_seeds="000 calls the step index t 时间滞后 ('time lag', S11); 001 takes T, the number "
            "of steps, for the size of the training set (S15).",
        ),
        Term("hyperparameter", "超参数", (D2L_TERMS,), seed_terms=("超参数",)),
        Term("optimizer", "优化器", (D2L_TERMS, PT_OPTIM), seed_terms=("优化器",), en_variants=("optimiser",)),
        Term(
            "convergence",
            "收敛",
            (D2L_TERMS,),
            seed_terms=("收敛",),
            en_variants=("converge", "converged", "converging"),
            wrong_in_seeds="decay is said to 'raise the convergence speed' (004, S51) and to converge faster "
            "early on (001, S20): a decayed rate is slower early.",
        ),
        Term(
            "weight initialization",
            "权重初始化",
            (
                "d2l-zh:chapter_linear-networks/linear-regression-scratch.md",
                "d2l-zh:chapter_multilayer-perceptrons/numerical-stability-and-init.md",
            ),
            seed_terms=("权重初始化", "学习率初始化"),
            en_variants=("weight initialisation",),
            zh_variants=("参数初始化",),
            wrong=("学习率初始化",),
            wrong_in_seeds="000 defines 学习率初始化 as giving every weight an initial value and explains it "
            "by weight magnitudes (S1): that is weight initialization, not the learning rate.",
        ),
        Term(
            "overfitting",
            "过拟合",
            ("d2l-zh:chapter_multilayer-perceptrons/underfit-overfit.md",),
            seed_terms=("过拟合",),
            en_variants=("overfit", "overfitted"),
            wrong_in_seeds="decay is said to reduce overfitting (000, 002, 003: S7); it is an optimisation "
            "device, its effect on generalisation can go either way.",
            note="d2l-zh's lr-scheduler.md says so too (小结: 减少模型的过拟合), from one Fashion-MNIST run.",
        ),
        Term(
            "generalisation",
            "泛化",
            (D2L_TERMS,),
            seed_terms=("泛化能力",),
            en_variants=("generalization", "generalise", "generalize"),
            wrong_in_seeds="decay is said to improve generalisation (S7).",
        ),
        Term(
            "local minimum",
            "局部最小值",
            (D2L_OPT + "optimization-intro.md",),
            seed_terms=("局部最小值",),
            en_variants=("local minima",),
            wrong_in_seeds="000: restarts 'help escape local minima' (S5), a smaller rate 'avoids getting "
            "trapped in local minima' (S6, backwards).",
        ),
        Term(
            "language model", "语言模型", ("d2l-zh:chapter_recurrent-neural-networks/language-models-and-dataset.md",)
        ),
        Term("Transformer", "Transformer", ("d2l-zh:chapter_attention-mechanisms/transformer.md",)),
    ),
    "Optimizers": (
        Term("momentum", "动量", (D2L_OPT + "momentum.md", PT_OPTIM), seed_terms=("动量",), zh_variants=("动量法",)),
        Term(
            "heavy ball",
            "重球法",
            zh_variants=("重球",),
            note="d2l-zh's momentum.md credits Polyak (1964) but has no name for the heavy-ball form.",
        ),
        Term("Nesterov momentum", "Nesterov 动量", (PT_OPTIM,), en_variants=("Nesterov",), zh_variants=("Nesterov",)),
        Term(
            "effective learning rate",
            "有效学习率",
            (PT_OPTIM,),
            en_variants=("effective rate",),
            zh_variants=("等效学习率",),
        ),
        Term(
            "per-parameter rate",
            "逐参数学习率",
            en_variants=("per-parameter learning rate", "per-parameter step"),
            zh_variants=("每个参数的学习率", "各参数的学习率"),
            note="d2l-zh's adagrad.md describes it (每个坐标有单独的学习率) without naming it.",
        ),
        Term(
            "adaptive method",
            "自适应方法",
            (D2L_OPT + "gd.md",),
            seed_terms=("自适应学习率",),
            en_variants=("adaptive optimizer", "adaptive optimiser"),
            zh_variants=("自适应优化",),
            glossary=True,
            wrong_in_seeds="001, 003 and 004 present 自适应学习率 as a method that sets the rate for you (S53): "
            "AdaGrad, RMSProp and Adam still have a rate that wants a schedule.",
        ),
        Term(
            "AdaGrad",
            "AdaGrad",
            (D2L_OPT + "adagrad.md", PT_OPTIM),
            seed_terms=("AdaGrad", "Adagrad"),
            wrong_in_seeds="004: it scales 'by the square of the gradient' (S52); it divides by the root of "
            "the summed squares. 003 cites a paper that does not exist (S39).",
        ),
        Term(
            "RMSProp",
            "RMSProp",
            (D2L_OPT + "rmsprop.md", PT_OPTIM),
            seed_terms=("RMSProp", "RMSprop"),
            wrong_in_seeds="004: it scales by an average of the gradient (S52); of its square, under a root. "
            "003 cites a paper that does not exist (S39).",
        ),
        Term(
            "Adam",
            "Adam",
            (D2L_OPT + "adam.md", PT_OPTIM),
            seed_terms=("Adam",),
            wrong=("亚当",),
            code=("torch.optim.Adam",),
            wrong_in_seeds="004 offers an adaptive method as the answer to choosing the rate (S53).",
            note="PyTorch's Chinese 1.4 page once renders Adam as 亚当 (the name, translated): keep Adam.",
        ),
        Term("bias correction", "偏差校正", (D2L_OPT + "adam.md",), zh_variants=("偏差修正",)),
        Term(
            "weight decay",
            "权重衰减",
            ("d2l-zh:chapter_multilayer-perceptrons/weight-decay.md", PT_OPTIM),
            wrong=("体重衰减",),
            note="PyTorch's Chinese 1.0 page rendered weight_decay as 体重衰减 (body weight); 1.4 has 权重衰减.",
        ),
        Term("decoupled weight decay", "去耦权重衰减", (PT_OPTIM,), zh_variants=("解耦权重衰减",)),
        Term("AdamW", "AdamW", (PT_OPTIM,), code=("torch.optim.AdamW",)),
        Term("RAdam", "RAdam", code=("torch.optim.RAdam",)),
        Term("parameter group", "参数组", (PT_OPTIM,), code=("optimizer.param_groups",)),
        Term(
            "gradient clipping",
            "梯度裁剪",
            ("d2l-zh:chapter_recurrent-neural-networks/rnn-scratch.md", D2L_TERMS),
            seed_terms=("梯度裁剪",),
            en_variants=("clipping", "clipped"),
            zh_variants=("裁剪",),
            glossary=True,
            code=("torch.nn.utils.clip_grad_norm_",),
            wrong_in_seeds="001 says to combine the schedule with it and never says what it is (S21).",
        ),
        Term(
            "gradient accumulation",
            "梯度累积",
            en_variants=("accumulated gradients", "accumulating gradients"),
            zh_variants=("梯度累加",),
            note="PyTorch's Chinese tutorial says gradients 累加 (add up) by default; it names no technique.",
        ),
        Term(
            "data-parallel training",
            "数据并行",
            ("d2l-zh:chapter_computational-performance/multiple-gpus.md",),
            seed_terms=("分布式", "并行训练"),
            en_variants=("data-parallel", "data parallelism"),
            glossary=True,
            wrong_in_seeds="002 and 004 present distributed and parallel training only as a speed-up "
            "(S32, S59): a larger global batch wants a larger rate and a warm-up.",
        ),
        Term(
            "DDP",
            "DDP",
            en_variants=("DistributedDataParallel",),
            zh_variants=("分布式数据并行",),
            code=("torch.nn.parallel.DistributedDataParallel",),
        ),
    ),
    "Batch size and scale": (
        Term("critical batch size", "临界批量大小", zh_variants=("临界批量",)),
        Term("gradient noise scale", "梯度噪声尺度"),
        Term("linear scaling rule", "线性缩放规则", zh_variants=("线性缩放法则",)),
        Term("noise floor", "噪声底", zh_variants=("噪声下限",)),
        Term("μP", "μP", en_variants=("muP", "maximal update parametrization")),
    ),
    "Stability and failure": (
        Term("stability limit", "稳定性上限", zh_variants=("稳定性极限", "稳定极限")),
        Term(
            "oscillation",
            "振荡",
            (D2L_OPT + "gd.md",),
            seed_terms=("震荡",),
            en_variants=("oscillate", "oscillated", "oscillating", "zig-zag", "zig-zagging"),
            zh_variants=("震荡", "之字形", "锯齿"),
            wrong_in_seeds="the word is right (001, 002: a too-large rate 震荡); 002 adds 钝化 (S31).",
        ),
        Term(
            "divergence",
            "发散",
            (D2L_TERMS, D2L_OPT + "gd.md"),
            seed_terms=("发散", "钝化"),
            en_variants=("diverge", "diverged", "diverging"),
            wrong=("钝化",),
            wrong_in_seeds="002: a too-large rate makes the model 震荡或钝化 (S31); 钝化 ('blunting') names no "
            "failure: a too-large rate oscillates or diverges.",
        ),
        Term(
            "exploding gradients",
            "梯度爆炸",
            ("d2l-zh:chapter_multilayer-perceptrons/numerical-stability-and-init.md",),
            seed_terms=("梯度爆炸",),
            en_variants=("exploding gradient", "gradient explosion"),
            glossary=True,
            wrong_in_seeds="004's remedies are activations and normalisation only (S56): no clipping, no "
            "smaller rate, no warm-up.",
        ),
        Term(
            "condition number",
            "条件数",
            (D2L_OPT + "adagrad.md",),
            en_variants=("ill-conditioned",),
            zh_variants=("病态",),
        ),
        Term("curvature", "曲率", (D2L_OPT + "gd.md",)),
        Term("Hessian", "Hessian 矩阵", (D2L_OPT + "optimization-intro.md",), zh_variants=("Hessian", "黑塞矩阵")),
        Term("sharpness", "锐度"),
        Term("edge of stability", "稳定性边缘"),
        Term("excess loss", "超额损失"),
        Term(
            "learning-rate range test",
            "学习率范围测试",
            en_variants=("LR range test", "range test", "LR finder", "learning-rate finder"),
        ),
    ),
}
