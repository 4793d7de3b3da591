"""Demo content. (Being built.)"""


def load(stdout=None) -> dict:
    return {}


def bulk(scale: int, stdout=None, seed: int = 0) -> dict:
    return {}
