"""The serve stage: a web app and JSON API over a councilbase database."""
