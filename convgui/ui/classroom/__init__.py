"""Classroom panels: filter bank, channels, layers, transposed and frequency views."""
