//! The store's side of attack stories: each new or updated signal goes to `stories`, with the
//! entity ids and counts the store already keeps; reading them back names the entities.

use super::Store;
use crate::model::Entity;
use crate::stories::{Step, Story};

/// One step of a story as shown.
#[derive(Debug, Clone)]
pub struct StoryStep<'a> {
    pub signal: &'a crate::model::Signal,
    /// The entity it shares with an earlier step.
    pub via: Option<&'a Entity>,
    /// Its details are withheld from this principal (sensitive).
    pub hidden: bool,
}

impl Store {
    pub(super) fn add_to_stories(&mut self, i: usize) {
        let Some(s) = self.signals.get(i) else {
            return;
        };
        let table = &self.table;
        let count = |id| table.count(id);
        let entity = |id| table.get(id);
        let ids = self.lists.get(i);
        self.stories
            .add(i as u32, s, ids, entity, count, self.signals.len());
        if self.stories.wants_settle() {
            self.stories.settle_some(count, self.signals.len());
        }
    }

    /// Re-checks which entities are too common to join stories (after a load, and every few
    /// thousand signals in stories).
    pub fn settle_stories(&mut self) {
        let table = &self.table;
        self.stories
            .settle(|id| table.count(id), self.signals.len());
    }

    /// Never join stories through `e` (the console's own principal).
    pub fn exclude_from_stories(&mut self, e: Entity) {
        self.stories.exclude(e);
    }

    /// Changes whenever a story does.
    pub fn stories_version(&self) -> u64 {
        self.stories.version()
    }

    /// Every story, best first.
    pub fn stories(&self) -> Vec<Story> {
        self.stories.list(|id| self.table.get(id))
    }

    /// A story as someone sees it who may not see the signals `hidden` accepts: its steps in
    /// time order (signal, linking entity) and its principals, IPs and resources from the
    /// visible steps only. When hidden signals were what joined its visible steps, it is the
    /// part whose id is `story.id` (or else the earliest part): see `story_parts`.
    pub fn story_view(
        &self,
        story: &Story,
        hidden: impl Fn(&crate::model::Signal) -> bool,
    ) -> (Story, Vec<StoryStep<'_>>) {
        match self.part_by_id(story, &hidden) {
            Some((s, steps)) => (self.rescore_seen(s, &hidden), steps),
            None => (story.seen_through(&[], std::iter::empty(), 0), Vec::new()),
        }
    }

    /// The steps of `story_view` alone (its score, which costs a pass over every story
    /// member to rescore, is not needed by a timeline).
    pub fn story_steps(
        &self,
        story: &Story,
        hidden: impl Fn(&crate::model::Signal) -> bool,
    ) -> Vec<StoryStep<'_>> {
        self.part_by_id(story, &hidden)
            .map(|(_, steps)| steps)
            .unwrap_or_default()
    }

    /// `story_view` for the part of `story` that holds the signal at store position `pos`
    /// (empty steps when that signal is hidden or in none).
    pub fn story_view_at(
        &self,
        story: &Story,
        pos: u32,
        hidden: impl Fn(&crate::model::Signal) -> bool,
    ) -> (Story, Vec<StoryStep<'_>>) {
        match self.part_at(story, pos, &hidden) {
            Some((s, steps)) => (self.rescore_seen(s, &hidden), steps),
            None => (story.seen_through(&[], std::iter::empty(), 0), Vec::new()),
        }
    }

    /// The steps of `story_view_at` alone.
    pub fn story_steps_at(
        &self,
        story: &Story,
        pos: u32,
        hidden: impl Fn(&crate::model::Signal) -> bool,
    ) -> Vec<StoryStep<'_>> {
        self.part_at(story, pos, &hidden)
            .map(|(_, steps)| steps)
            .unwrap_or_default()
    }

    /// The part whose id is `story.id`, or else the earliest part.
    fn part_by_id(
        &self,
        story: &Story,
        hidden: &impl Fn(&crate::model::Signal) -> bool,
    ) -> Option<(Story, Vec<StoryStep<'_>>)> {
        let mut parts = self.parts_of(story, self.stories.steps(story), hidden);
        let i = parts
            .iter()
            .position(|(s, _)| s.id == story.id)
            .unwrap_or(0);
        (i < parts.len()).then(|| parts.swap_remove(i))
    }

    /// The part that holds the signal at store position `pos`.
    fn part_at(
        &self,
        story: &Story,
        pos: u32,
        hidden: &impl Fn(&crate::model::Signal) -> bool,
    ) -> Option<(Story, Vec<StoryStep<'_>>)> {
        self.parts_of(story, self.stories.steps(story), hidden)
            .into_iter()
            .find(|(_, steps)| {
                steps
                    .iter()
                    .any(|st| self.position_of(&st.signal.id) == Some(pos as usize))
            })
    }

    /// Every story given as seen (`story_view`), each split where only hidden signals joined
    /// its parts, ranked by what each shows; a part that would not be a story on its own (one
    /// low signal left of a critical one hidden) is not listed.
    pub fn story_views(
        &self,
        stories: &[Story],
        hidden: impl Fn(&crate::model::Signal) -> bool,
    ) -> Vec<(Story, Vec<StoryStep<'_>>)> {
        let newest = self.newest_shown(&hidden);
        let mut out: Vec<(Story, Vec<StoryStep<'_>>)> = stories
            .iter()
            .zip(self.stories.all_steps(stories))
            .flat_map(|(story, steps)| self.parts_of(story, steps, &hidden))
            .filter(|(s, steps)| !steps.is_empty() && s.qualifies())
            .map(|(s, steps)| (newest.map_or(s.clone(), |n| s.rescored(n)), steps))
            .collect();
        // Ranked again as seen: the order must not tell what the hidden signals weigh.
        out.sort_by(|(a, _), (b, _)| {
            b.score
                .cmp(&a.score)
                .then(a.first.cmp(&b.first))
                .then(a.id.cmp(&b.id))
        });
        out
    }

    fn rescore_seen(&self, s: Story, hidden: &impl Fn(&crate::model::Signal) -> bool) -> Story {
        match self.newest_shown(hidden) {
            Some(n) => s.rescored(n),
            None => s,
        }
    }

    /// The newest story member's time a reader who may not see `hidden` signals sees, when it
    /// is not the newest of all.
    fn newest_shown(&self, hidden: &impl Fn(&crate::model::Signal) -> bool) -> Option<i64> {
        self.stories
            .newest_shown(|pos| self.signals.get(pos as usize).is_some_and(|s| !hidden(s)))
    }

    /// `story` as made of the signals at store positions `positions` only (their principals,
    /// IPs, resources, tactics and score).
    pub fn story_part(&self, story: &Story, positions: &[u32]) -> Story {
        let visible: Vec<&crate::model::Signal> = positions
            .iter()
            .filter_map(|p| self.signals.get(*p as usize))
            .collect();
        story.seen_through(
            &visible,
            positions.iter().flat_map(|p| self.entities_at(*p as usize)),
            self.stories.newest(),
        )
    }

    /// The parts of a story its reader sees, earliest first. A hidden signal is no step of a
    /// story its reader sees: being in one would tell what it is about (the key its story's
    /// calls were made with). Visible steps stay together only through entities visible steps
    /// share; those joined through a hidden signal alone are separate parts (kept together,
    /// they would tell that a hidden signal links them). A step's link is kept only to an
    /// entity an earlier step of its part has too.
    fn parts_of(
        &self,
        story: &Story,
        steps: Vec<Step>,
        hidden: &impl Fn(&crate::model::Signal) -> bool,
    ) -> Vec<(Story, Vec<StoryStep<'_>>)> {
        let total = steps.len();
        let shown: Vec<Step> = steps
            .into_iter()
            .filter(|st| {
                self.signals
                    .get(st.pos as usize)
                    .is_some_and(|s| !hidden(s))
            })
            .collect();
        let part = if shown.len() == total {
            vec![0; shown.len()]
        } else {
            let positions: Vec<u32> = shown.iter().map(|st| st.pos).collect();
            self.stories.parts(&positions)
        };
        let parts = part.iter().max().map_or(0, |m| m + 1);
        (0..parts)
            .map(|p| {
                let steps = shown
                    .iter()
                    .zip(&part)
                    .filter(|(_, q)| **q == p)
                    .map(|(st, _)| st.clone());
                self.view_of(story, steps)
            })
            .collect()
    }

    fn view_of(
        &self,
        story: &Story,
        steps: impl Iterator<Item = Step>,
    ) -> (Story, Vec<StoryStep<'_>>) {
        let mut earlier: std::collections::HashSet<&crate::model::Entity> =
            std::collections::HashSet::new();
        let mut out: Vec<(u32, StoryStep)> = Vec::new();
        for Step { pos, via } in steps {
            let Some(signal) = self.signals.get(pos as usize) else {
                continue;
            };
            let via = via
                .and_then(|id| self.table.get(id))
                .filter(|e| earlier.contains(e));
            earlier.extend(self.entities_at(pos as usize));
            out.push((
                pos,
                StoryStep {
                    signal,
                    via,
                    hidden: false,
                },
            ));
        }
        let visible: Vec<&crate::model::Signal> = out.iter().map(|(_, s)| s.signal).collect();
        let seen = story.seen_through(
            &visible,
            out.iter()
                .flat_map(|(pos, _)| self.entities_at(*pos as usize)),
            self.stories.newest(),
        );
        let steps = out.into_iter().map(|(_, s)| s).collect();
        (seen, steps)
    }

    /// Store positions of a story's signals, ascending.
    pub fn story_positions(&self, story: &Story) -> Vec<u32> {
        self.stories.positions(story)
    }

    /// The story the signal at `pos` is part of, if any.
    pub fn story_of(&self, pos: usize) -> Option<Story> {
        self.stories.story_of(pos as u32, |id| self.table.get(id))
    }
}

#[cfg(test)]
#[path = "story_tests.rs"]
mod tests;
