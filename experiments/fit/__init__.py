"""Fit the model to a company's own history (``salesweb fit``; docs/fit.md).

history   read and check the CSV a strategist brings
space     the ranges a fit (or a search) may move parameters over
simulate  the focal company's monthly figures for a parameter set
infer     ABC-SMC with pyabc: the posterior
report    fit.json, posterior.parquet, the fit and forecast charts
fitted    read a fit folder back (the fitted company, posterior draws)
"""
