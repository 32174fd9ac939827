print("benchmarks: see below")
