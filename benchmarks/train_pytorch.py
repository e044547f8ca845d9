"""Trains 784-128-10 (ReLU, cross-entropy, Adam, lr 1e-3) on Fashion-MNIST
with PyTorch on one thread, for strata's benchmarks. Prints one
"epoch_seconds S" line per epoch (process CPU time of the training steps)
and "test_accuracy A"."""

import argparse
import gzip
import os
import time

import numpy as np
import torch


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(directory, prefix):
    images = read_idx(os.path.join(directory, prefix + "-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(directory, prefix + "-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.reshape(len(images), 784).astype(np.float32) / 255.0)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    torch.set_num_threads(1)
    # Adam's moments decay into denormals for always-zero pixels.
    torch.set_flush_denormal(True)
    torch.manual_seed(args.seed)
    train_x, train_y = load(args.data, "train")
    test_x, test_y = load(args.data, "t10k")

    net = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(),
                              torch.nn.Linear(128, 10))
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_function = torch.nn.CrossEntropyLoss()
    n = len(train_y)
    for _ in range(args.epochs):
        start = time.process_time()
        order = torch.randperm(n)
        for first in range(0, n, args.batch):
            indexes = order[first:first + args.batch]
            optimizer.zero_grad()
            loss = loss_function(net(train_x[indexes]), train_y[indexes])
            loss.backward()
            optimizer.step()
        print("epoch_seconds", time.process_time() - start, flush=True)

    with torch.inference_mode():
        accuracy = (net(test_x).argmax(1) == test_y).float().mean().item()
    print("test_accuracy", accuracy)


if __name__ == "__main__":
    main()
