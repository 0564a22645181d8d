"""THE reference setting of the report: the one place to change it.

Every notebook reads this dictionary (through ``lab1.study.config.setting``), and a
notebook's own parameters override it only where that notebook's study varies something.
Edit a value here and the whole report (Section 2's tables, every "reference setting"
sentence, every figure title, every later section) follows; or, without editing
anything, override any entry for one build:

    make report SET="hidden=8 activation=tanh lr=0.5"
    papermill notebooks/02_results.ipynb out.ipynb -p hidden 8 -p activation tanh

Every report notebook's ``parameters`` cell has each name below with the default None,
which means "the value here". The names:

    hidden      units of each hidden layer: a tuple of widths; an int h on the command line
                means h units in every hidden layer of the reference depth (hidden=8 gives
                2 -> 8 -> 8 -> 1), a list gives the widths ([8, 4] gives 2 -> 8 -> 4 -> 1)
    activation  hidden activation: sigmoid, tanh, relu, leaky_relu or identity
    output      output activation: sigmoid (P(label 1)) or identity
    loss        mse, or bce (binary cross-entropy, needs the sigmoid output)
    init        weight initializer, a key of lab1.nn.INITIALIZERS
    optimizer   a key of lab1.optim.OPTIMIZERS
    lr          learning rate
    momentum    SGD momentum (used by the optimizers "sgd" and "momentum")
    epochs      full-batch epochs: {data set: epochs} for the Discussion's sweeps; an int
                on the command line means that many on every data set and in Results
    results_epochs  epochs of the single network trained per data set in Results
    seeds       networks (seeds 0 .. seeds-1) per setting in the Discussion and Extra
    data_seed   seed of the linear data: training points; validation +1000, test +2000
"""

REFERENCE = dict(
    hidden=(4, 4),                          # two hidden layers of 4 units: 2 -> 4 -> 4 -> 1
    activation="sigmoid",                   # hidden activations
    output="sigmoid",                       # output activation: y_hat = P(label 1)
    loss="mse",                             # mean squared error, as the TA's slides
    init="normal",                          # weights N(0, 1), biases 0
    optimizer="sgd",                        # plain gradient descent on the full batch
    lr=1.0,
    momentum=0.0,
    epochs={"xor": 5000, "linear": 2000},   # sweeps of the Discussion, per data set
    results_epochs=5000,                    # Results: one network per data set
    seeds=5,                                # seeds per setting in the Discussion
    data_seed=0,                            # linear data; validation +1000, test +2000
)

NAMES = tuple(REFERENCE)
