"""落实 Luoshi: carry a government action plan from paper to done."""

__version__ = "0.1.0"
