#!/bin/sh
echo "hooker ran: $*"
