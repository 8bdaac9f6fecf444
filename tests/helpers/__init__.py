"""Helpers shared by test modules: constants, builders and server starters. Test modules import
from here, never from a conftest.py or from another test module."""
