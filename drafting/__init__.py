"""Children's co-drafting of the pledge text (issue 10): screening first; sessions later."""
