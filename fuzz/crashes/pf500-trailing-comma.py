def slowest(timings):
    return max(
        [(t.p99, t.name) for t in timings],
    )
