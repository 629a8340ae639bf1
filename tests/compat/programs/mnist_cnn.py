"""A small convolutional network learns MNIST digits, written the way PyTorch's
tutorials teach it: a Module with conv, ReLU, max-pool, dropout and two linear
layers, a DataLoader over a TensorDataset, SGD with momentum, and an evaluation
pass under model.eval() and torch.no_grad().

`main` takes the images as numpy arrays (N, 1, 28, 28) float32 and the labels int64;
`init`, when given, is a state_dict of numpy arrays loaded before training.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self, dropout: float = 0.25) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, kernel_size=3)  # 28 -> 26, pooled to 13
        self.conv2 = nn.Conv2d(8, 16, kernel_size=3, padding=1)  # 13 -> 13, to 6
        self.dropout = nn.Dropout(dropout)
        self.fc1 = nn.Linear(16 * 6 * 6, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), kernel_size=2, stride=2)
        x = torch.flatten(x, 1)
        x = self.dropout(F.relu(self.fc1(x)))
        return self.fc2(x)


def evaluate(model, loader, device):
    model.eval()
    test_loss, correct = 0.0, 0
    with torch.no_grad():
        for data, target in loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.cross_entropy(output, target, reduction="sum").item()
            pred = output.argmax(dim=1)
            correct += (pred == target).sum().item()
    n = len(loader.dataset)
    return test_loss / n, correct / n


def main(images, labels, test_images, test_labels, steps=30, batch_size=32,
         lr=0.05, dropout=0.0, init=None, log=False):  # fmt: skip
    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    # the usual MNIST normalization: the training set's mean and standard deviation
    x_train = (torch.from_numpy(images) - 0.1307) / 0.3081
    x_test = (torch.tensor(test_images) - 0.1307) / 0.3081
    train_set = TensorDataset(x_train, torch.from_numpy(labels))
    test_set = TensorDataset(x_test, torch.tensor(test_labels))
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=False,
                              num_workers=0)  # fmt: skip
    test_loader = DataLoader(test_set, batch_size=100, num_workers=0)

    model = Net(dropout).to(device)
    if init is not None:
        model.load_state_dict({k: torch.from_numpy(v) for k, v in init.items()})
    initial = {
        k: v.detach().cpu().numpy().copy() for k, v in model.state_dict().items()
    }
    n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)

    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)

    losses, shapes = [], None
    model.train()
    while len(losses) < steps:
        for batch_idx, (data, target) in enumerate(train_loader):
            data, target = data.to(device), target.to(device)
            if shapes is None:
                shapes = (tuple(data.size()), data.dim(), target.size(0), data.numel())
            optimizer.zero_grad()
            output = model(data)
            loss = criterion(output, target)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            if log and batch_idx % 5 == 0:
                print(f"step {len(losses):3d}  loss {loss.item():.4f}")
            if len(losses) == steps:
                break

    test_loss, accuracy = evaluate(model, test_loader, device)
    final = {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}
    return {"init": initial, "losses": losses, "test_loss": test_loss,
            "accuracy": accuracy, "n_params": n_params, "shapes": shapes,
            "final": final}  # fmt: skip


if __name__ == "__main__":  # python tests/compat/programs/mnist_cnn.py
    rng = np.random.default_rng(0)  # stand-in digits when run on its own
    x = rng.random((640, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, 640)
    result = main(x[:512], y[:512], x[512:], y[512:], log=True)
    print(f"accuracy {result['accuracy']:.3f}")
