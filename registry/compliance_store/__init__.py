"""Stored compliance inputs and results: lifetimes, scores, questionnaire answers."""
