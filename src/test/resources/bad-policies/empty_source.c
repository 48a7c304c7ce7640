// expect: compile - policy does not define schedule()
// send: empty (the client sends "" as the source)
