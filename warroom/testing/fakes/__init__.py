"""Local stand-ins for the external APIs warroom talks to, built on warroom.testing.fakeapi."""
