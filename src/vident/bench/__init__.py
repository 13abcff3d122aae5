"""Benchmark of trained models (design §6): per-scale accuracy, temporal consistency and cost of
each (model, balancer) on a dataset split, and the Markdown tables and plots that compare them."""
