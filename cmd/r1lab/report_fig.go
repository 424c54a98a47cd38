package main

// reportFigures draws the report's figures into dir/figures.
func reportFigures(dir, task string, arms []armResult) ([]figure, error) { return nil, nil }
