"""Follow the money: the transaction graph over canonical entities, time-respecting
tracing (haircut and FIFO), laundering typologies, and the organisers behind them."""
