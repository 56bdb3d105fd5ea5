"""Greenlight: assess, log and oversee the use of generative AI in a production."""
