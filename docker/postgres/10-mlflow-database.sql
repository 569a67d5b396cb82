-- Runs once, when the postgres service initialises its volume: MLflow's backend store lives in a
-- database of its own next to the workspace's `wsp` database.
CREATE DATABASE mlflow OWNER wsp;
