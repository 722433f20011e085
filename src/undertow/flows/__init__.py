"""Follow the money: the transaction graph over canonical entities, time-respecting
tracing (haircut and FIFO), laundering typologies, and the organisers behind them."""

RANK_TOP = 20
"""Rows of the behind-the-scenes ranking (``flows rank``) shown unless asked for more."""
