def read(path):
    with open(path) as f:
        return [line for line in f.readlines()if line]
