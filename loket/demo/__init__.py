"""Synthetic demo data for training and benchmarks (never on a database with real data).
May import every other core package.
"""
