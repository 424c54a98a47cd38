// Package nb holds what r1lab's notebooks share, so that their cells say
// what the paper's sections say and not how files are found: where a
// notebook reads and writes ([RunDir], [ExperimentDir]), stopping a cell on
// an error ([Check], [Must]), showing and saving a figure ([Show]), running
// the experiment when there is none ([EnsureExperiment]), and computing and
// reading the sample-effect report ([EnsureReport], [Report]).
//
// Each GoNB cell runs as a program of its own, so everything here is
// computed from the environment and the files on disk, never kept in
// memory between cells.
package nb
