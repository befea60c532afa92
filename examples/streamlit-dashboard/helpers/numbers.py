def squares(n: int) -> list[int]:
    return [i * i for i in range(n)]
