"""What knows a platform's files and life cycle: GitHub Actions' event and checkout, the
Gradescope and PrairieLearn bundles, and the student material a release writes."""
