"""The servers the exchange needs, each run from a wheel or from Maven jars as a supervised child."""
