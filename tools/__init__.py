"""Developer tools: the quality gate (`python -m tools.check`) and catalog upkeep (`python -m tools.i18n`)."""
