"""Data shapes and protocols: what every other module of newsbrief agrees on."""
