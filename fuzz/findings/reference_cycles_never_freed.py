# a self-referencing list made and dropped 100 000 times: pyl never frees reference cycles (no cycle collector), peak RSS ~500 MB against CPython 9 MB
for i in range(10**5):
    l = [0] * 100
    l.append(l)
print("done")
