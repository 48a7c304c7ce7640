// expect: compile - policy does not define schedule()
/*
 * A policy that was never written: only this comment.
 */
