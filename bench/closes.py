"""Spoken-close texts for the speech benchmarks: written for them, in several roles' vocabulary."""

CLOSES = [
    "Thank you, I would like to add one thing. To recap, I run user research and usability tests, "
    "I design in Figma, and I have built two design systems. Do you see any gaps between my "
    "experience and what you need? What is the next step, and when do you expect to decide?",
    "Um, so just to sum up, I have led night crews of thirty people, I know the warehouse system "
    "inside out, and uh, safety comes first for me. Do you have any concerns about my background? "
    "May I call you next week if I have questions?",
    "You need someone to close the books in five days, and that is exactly what I do now. I "
    "reconcile accounts every week and I prepared our last audit. I really want this job. "
    "Thank you for your time today.",
    "I think this role and I are a terrific match. You need a team lead who can coach agents, "
    "and I have trained every new hire on my team for two years. Um, what happens after today?",
    "Just briefly, I have managed subcontractors on three large projects and I kept every one of "
    "them on budget. Is there anything in my background that gives you pause? Would it be all "
    "right if I emailed you next week? Thanks again for meeting with me.",
    "Uh, yes, to pull it together, I teach reading in small groups, I keep a calm classroom, and "
    "I talk with families every week. What does the process look like from here? Thank you so much.",
]
FILLER_WORDS = {"um", "uh"}
