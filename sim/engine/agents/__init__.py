"""Victims, perpetrators and units: each a small class whose behaviour is a SimPy process."""
