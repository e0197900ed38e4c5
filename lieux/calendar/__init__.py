"""Activities, recurrence, proposals and approvals, iCal feeds in and out, agenda pages."""
