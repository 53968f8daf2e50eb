# list < list whose first items differ copies both lists first: O(n) per comparison, so this loop is quadratic (40 000 rounds: pyl 5 s, CPython 0.1 s)
x = []
for i in range(40000):
    x.append(1)
    x < [0]
print(len(x))
