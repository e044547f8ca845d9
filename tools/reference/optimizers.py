#!/usr/bin/python3
"""Writes tests/reference/optimizers.csv: PyTorch's trajectories for strata's optimizer tests.

Regenerating needs PyTorch (Debian: apt-get install python3-torch, then run
this file with /usr/bin/python3); the tests only read the CSV. The values
were made with PyTorch 1.13 in float64.

A fixed network (3 inputs, dense 4, tanh, dense 2) with weights written out
below is trained for 10 full-batch steps on 5 samples. One step is one
epoch, so each schedule advances once per step, as strata's trainer does.
For each case the file contains three rows:

  CASE,loss,L1,...,L10           data loss before each step (no penalty)
  CASE,learning_rate,R1,...,R10  rate used by each step
  CASE,parameters,P1,...,P26     after 10 steps: W0 (4 x 3 row-major), b0,
                                 W1 (2 x 4 row-major), b1

Regularizers act on weights only unless the case says otherwise: l2 is the
optimizer's weight_decay in a parameter group of weights beside a group of
biases with weight_decay 0, l1 adds strength * sum |w| to the loss, and
adamw's decoupled decay is set on the weight group alone.
"""

import csv
import math
import pathlib
import sys

import torch

torch.set_default_dtype(torch.float64)
# One thread keeps the summation order, so a rerun writes the same digits.
torch.set_num_threads(1)

INPUTS = [[0.5, -1.0, 0.25], [-0.3, 0.8, 1.2], [1.5, 0.2, -0.7], [0.0, -0.4, 0.9],
          [-1.1, 0.6, -0.2]]
# Targets per loss: mse regression values, binary labels per output, class indexes.
TARGETS = {
    "mse": [[0.3, -0.5], [1.0, 0.2], [-0.4, 0.7], [0.1, 0.1], [0.8, -0.9]],
    "binary_cross_entropy": [[1, 0], [0, 1], [1, 1], [0, 0], [1, 0]],
    "cross_entropy": [0, 1, 1, 0, 1],
}
VALIDATION_INPUTS = [[0.2, 0.3, -0.5], [-0.9, -0.1, 0.4], [1.0, -0.6, 0.3]]
VALIDATION_TARGETS = [[0.5, -0.2], [-0.3, 0.6], [0.2, 0.0]]

W0 = [[0.2, -0.4, 0.1], [0.5, 0.3, -0.2], [-0.1, 0.25, 0.45], [0.35, -0.15, -0.3]]
B0 = [0.05, -0.1, 0.0, 0.2]
W1 = [[0.3, -0.25, 0.4, 0.1], [-0.35, 0.2, 0.15, -0.45]]
B1 = [0.1, -0.05]

STEPS = 10

# name: (optimizer, its settings, loss, regularizer settings, schedule settings)
CASES = {
    "sgd": ("sgd", {"lr": 0.1}, "mse", {}, None),
    "sgd_l2": ("sgd", {"lr": 0.1}, "mse", {"l2": 0.01}, None),
    "sgd_l2_biases": ("sgd", {"lr": 0.1}, "mse", {"l2": 0.01, "biases": True}, None),
    "sgd_l1": ("sgd", {"lr": 0.1}, "mse", {"l1": 0.01}, None),
    "momentum": ("sgd", {"lr": 0.05, "momentum": 0.9}, "mse", {}, None),
    "momentum_dampening": ("sgd", {"lr": 0.05, "momentum": 0.9, "dampening": 0.5}, "mse", {},
                           None),
    "nesterov": ("sgd", {"lr": 0.05, "momentum": 0.9, "nesterov": True}, "mse", {}, None),
    "momentum_l2": ("sgd", {"lr": 0.05, "momentum": 0.9}, "mse", {"l2": 0.01}, None),
    "adagrad": ("adagrad", {"lr": 0.1}, "mse", {}, None),
    "adagrad_decay": ("adagrad", {"lr": 0.1, "lr_decay": 0.05,
                                  "initial_accumulator_value": 0.1}, "mse", {}, None),
    "adagrad_epsilon": ("adagrad", {"lr": 0.1, "eps": 0.01}, "mse", {}, None),
    "adagrad_l2": ("adagrad", {"lr": 0.1}, "mse", {"l2": 0.01}, None),
    "rmsprop": ("rmsprop", {"lr": 0.01}, "mse", {}, None),
    "rmsprop_centered_momentum": ("rmsprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.5,
                                              "centered": True}, "mse", {}, None),
    "rmsprop_epsilon": ("rmsprop", {"lr": 0.01, "eps": 0.01}, "mse", {}, None),
    "rmsprop_l2": ("rmsprop", {"lr": 0.01}, "mse", {"l2": 0.01}, None),
    "adam": ("adam", {"lr": 0.01}, "mse", {}, None),
    "adam_epsilon": ("adam", {"lr": 0.01, "eps": 0.01}, "mse", {}, None),
    "adam_l2": ("adam", {"lr": 0.01}, "mse", {"l2": 0.01}, None),
    "adam_l1": ("adam", {"lr": 0.01}, "mse", {"l1": 0.001}, None),
    "adamw": ("adamw", {"lr": 0.01}, "mse", {"decay": 0.1}, None),
    "adamw_biases": ("adamw", {"lr": 0.01}, "mse", {"decay": 0.1, "biases": True}, None),
    "sgd_step": ("sgd", {"lr": 0.1}, "mse", {}, ("step", {"step_size": 3, "gamma": 0.5})),
    "sgd_exponential": ("sgd", {"lr": 0.1}, "mse", {}, ("exponential", {"gamma": 0.8})),
    "sgd_cosine": ("sgd", {"lr": 0.1}, "mse", {}, ("cosine", {"T_max": 10, "eta_min": 0.01})),
    "sgd_plateau": ("sgd", {"lr": 0.1}, "mse", {},
                    ("plateau", {"factor": 0.5, "patience": 1, "threshold": 0.05})),
    "adamw_cosine": ("adamw", {"lr": 0.01}, "mse", {"decay": 0.1},
                     ("cosine", {"T_max": 4, "eta_min": 0.0})),
    "sgd_cross_entropy": ("sgd", {"lr": 0.5}, "cross_entropy", {}, None),
    "adam_binary_cross_entropy": ("adam", {"lr": 0.05}, "binary_cross_entropy", {}, None),
}


def make_network():
    first = torch.nn.Linear(3, 4)
    second = torch.nn.Linear(4, 2)
    with torch.no_grad():
        first.weight.copy_(torch.tensor(W0))
        first.bias.copy_(torch.tensor(B0))
        second.weight.copy_(torch.tensor(W1))
        second.bias.copy_(torch.tensor(B1))
    return torch.nn.Sequential(first, torch.nn.Tanh(), second)


def data_loss(kind, outputs, targets):
    if kind == "mse":
        return torch.nn.functional.mse_loss(outputs, targets)
    if kind == "binary_cross_entropy":
        return torch.nn.functional.binary_cross_entropy_with_logits(outputs, targets)
    return torch.nn.functional.cross_entropy(outputs, targets)


def make_optimizer(kind, settings, net, regularizer):
    weights = [net[0].weight, net[2].weight]
    biases = [net[0].bias, net[2].bias]
    decay = regularizer.get("l2", regularizer.get("decay", 0.0))
    if kind == "adamw" and "decay" not in regularizer:
        decay = 0.0
    bias_decay = decay if regularizer.get("biases") else 0.0
    groups = [{"params": weights, "weight_decay": decay},
              {"params": biases, "weight_decay": bias_decay}]
    classes = {"sgd": torch.optim.SGD, "adagrad": torch.optim.Adagrad,
               "rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam,
               "adamw": torch.optim.AdamW}
    return classes[kind](groups, **settings)


def make_schedule(schedule, optimizer):
    if schedule is None:
        return None
    kind, settings = schedule
    classes = {"step": torch.optim.lr_scheduler.StepLR,
               "exponential": torch.optim.lr_scheduler.ExponentialLR,
               "cosine": torch.optim.lr_scheduler.CosineAnnealingLR,
               "plateau": torch.optim.lr_scheduler.ReduceLROnPlateau}
    return kind, classes[kind](optimizer, **settings)


def run_case(kind, settings, loss_kind, regularizer, schedule):
    net = make_network()
    x = torch.tensor(INPUTS)
    if loss_kind == "cross_entropy":
        t = torch.tensor(TARGETS[loss_kind], dtype=torch.long)
    else:
        t = torch.tensor(TARGETS[loss_kind], dtype=torch.float64)
    optimizer = make_optimizer(kind, settings, net, regularizer)
    scheduler = make_schedule(schedule, optimizer)
    losses, rates = [], []
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = data_loss(loss_kind, net(x), t)
        losses.append(loss.item())
        rates.append(optimizer.param_groups[0]["lr"])
        total = loss
        if "l1" in regularizer:
            total = total + regularizer["l1"] * sum(w.abs().sum() for w in
                                                    (net[0].weight, net[2].weight))
        total.backward()
        optimizer.step()
        if scheduler is not None:
            name, scheduler_object = scheduler
            if name == "plateau":
                with torch.no_grad():
                    validation = data_loss("mse", net(torch.tensor(VALIDATION_INPUTS)),
                                           torch.tensor(VALIDATION_TARGETS))
                scheduler_object.step(validation.item())
            else:
                scheduler_object.step()
    parameters = []
    for tensor in (net[0].weight, net[0].bias, net[2].weight, net[2].bias):
        parameters.extend(tensor.detach().flatten().tolist())
    return losses, rates, parameters


def main():
    output = pathlib.Path(__file__).resolve().parents[2] / "tests" / "reference" / "optimizers.csv"
    rows = [["# made by tools/reference/optimizers.py with PyTorch " + torch.__version__]]
    for name, case in CASES.items():
        losses, rates, parameters = run_case(*case)
        if not all(math.isfinite(v) for v in losses + parameters):
            sys.exit(f"case {name}: non-finite values")
        rows.append([name, "loss"] + [repr(v) for v in losses])
        rows.append([name, "learning_rate"] + [repr(v) for v in rates])
        rows.append([name, "parameters"] + [repr(v) for v in parameters])
    with open(output, "w", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)
    print(f"wrote {len(CASES)} cases to {output}")


if __name__ == "__main__":
    main()
