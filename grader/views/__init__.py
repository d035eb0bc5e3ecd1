"""Where results are rendered for a reader: the HTML pages, the grade files, JUnit XML,
the terminal, and each platform's results documents, all from stored results alone."""
