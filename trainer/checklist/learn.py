"""L2-regularized logistic regression in numpy: small enough to fit in seconds, to apply as a dot product."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Logistic:
    weights: np.ndarray
    bias: float
    mean: np.ndarray  # features are standardized with the training set's mean and scale
    scale: np.ndarray

    def logit(self, x: np.ndarray) -> np.ndarray:
        return ((np.atleast_2d(x) - self.mean) / self.scale) @ self.weights + self.bias

    def prob(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self.logit(x), -30, 30)))

    def to_dict(self) -> dict[str, object]:
        return {
            "weights": [round(float(v), 6) for v in self.weights],
            "bias": round(self.bias, 6),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
        }

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> Logistic:
        def arr(key: str) -> np.ndarray:
            return np.asarray(d[key], dtype=np.float64)

        return cls(arr("weights"), float(d["bias"]), arr("mean"), arr("scale"))  # type: ignore[arg-type]


def fit(
    x: np.ndarray,
    y: np.ndarray,
    l2: float = 1.0,
    sample_weight: np.ndarray | None = None,
    standardize: bool = True,
) -> Logistic:
    """Newton's method on the penalized log-likelihood; classes weighted to balance."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if standardize:
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale[scale < 1e-6] = 1.0
    else:
        mean, scale = np.zeros(x.shape[1]), np.ones(x.shape[1])
    z = (x - mean) / scale
    pos = max(y.sum(), 1.0)
    neg = max(len(y) - y.sum(), 1.0)
    w_cls = np.where(y > 0.5, len(y) / (2 * pos), len(y) / (2 * neg))
    sw = w_cls * (sample_weight if sample_weight is not None else 1.0)
    a = np.hstack([z, np.ones((len(z), 1))])
    beta = np.zeros(a.shape[1])
    penalty = np.full(a.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(a @ beta, -30, 30)))
        grad = a.T @ (sw * (p - y)) + penalty * beta
        hess = (a * (sw * p * (1 - p))[:, None]).T @ a + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-7:
            break
    return Logistic(beta[:-1], float(beta[-1]), mean, scale)
