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
    /// time order (signal, linking entity, hidden or not) and its principals, IPs and
    /// resources from the visible steps only.
    pub fn story_view(
        &self,
        story: &Story,
        hidden: impl Fn(&crate::model::Signal) -> bool,
    ) -> (Story, Vec<StoryStep<'_>>) {
        self.view_of(story, self.stories.steps(story), &hidden)
    }

    /// `story_view` for many stories at once (one pass over the story members), ranked by
    /// what each shows.
    pub fn story_views(
        &self,
        stories: &[Story],
        hidden: impl Fn(&crate::model::Signal) -> bool,
    ) -> Vec<(Story, Vec<StoryStep<'_>>)> {
        let mut out: Vec<(Story, Vec<StoryStep<'_>>)> = stories
            .iter()
            .zip(self.stories.all_steps(stories))
            .map(|(story, steps)| self.view_of(story, steps, &hidden))
            // A story of hidden signals only is not shown at all.
            .filter(|(_, steps)| !steps.is_empty())
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

    fn view_of(
        &self,
        story: &Story,
        steps: Vec<Step>,
        hidden: &impl Fn(&crate::model::Signal) -> bool,
    ) -> (Story, Vec<StoryStep<'_>>) {
        // A hidden signal is no step of a story its reader sees: being in one would tell
        // what it is about (the key its story's calls were made with). A step's link is kept
        // only to an entity an earlier step the reader sees has too.
        let mut earlier: std::collections::HashSet<&crate::model::Entity> =
            std::collections::HashSet::new();
        let mut out: Vec<(u32, StoryStep)> = Vec::new();
        for Step { pos, via } in steps {
            let Some(signal) = self.signals.get(pos as usize) else {
                continue;
            };
            if hidden(signal) {
                continue;
            }
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
