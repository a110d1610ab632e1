"""Predicted success (issue 21): the probability that a complaint item ends `removed`, from what was
known when it was filed (features), by a calibrated scikit-learn model (model) kept versioned in the
store (registry), and its uses (expected: the Poisson-binomial of pending items' outcomes)."""
