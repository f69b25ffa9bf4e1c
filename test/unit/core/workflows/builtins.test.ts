import assert from 'node:assert/strict';
import { BUILTIN_MODULES, BUILTIN_WORKFLOWS, describeTemplate, renderModule, renderWorkflow, scanTemplate } from '../../../../src/core/workflows';
import type { RenderContext, Workflow } from '../../../../src/core/workflows';

function builtin(name: string): Workflow {
  const workflow = BUILTIN_WORKFLOWS.find((candidate) => candidate.name === name);
  assert.ok(workflow, `no built-in ${name}`);
  return workflow;
}

const fullContext: RenderContext = {
  workspace: '/w',
  selection: 'SELECTED',
  file: { path: 'src/a.ts', content: 'FILE BODY' },
  gitDiff: 'DIFF BODY',
  modules: { 'file-outline': 'OUTLINE BODY' },
};

describe('built-in workflows', () => {
  it('are the four documented ones, in name order', () => {
    assert.deepEqual(
      BUILTIN_WORKFLOWS.map((workflow) => workflow.name),
      ['explain-selection', 'review-file', 'summarize-changes', 'write-tests'],
    );
  });

  it('each read what their job needs', () => {
    assert.deepEqual(builtin('explain-selection').reads, ['selection']);
    assert.deepEqual(builtin('review-file').reads, ['file']);
    assert.deepEqual(builtin('write-tests').reads, ['file']);
    assert.deepEqual(builtin('summarize-changes').reads, ['gitDiff']);
  });

  it('share the file-outline module between review-file and write-tests, at one version', () => {
    const review = builtin('review-file').modules;
    const tests = builtin('write-tests').modules;
    assert.deepEqual(review.map((module) => module.name), ['file-outline']);
    assert.deepEqual(tests, review);
    assert.deepEqual(review[0]?.reads, ['file']);
    assert.deepEqual(builtin('explain-selection').modules, []);
  });

  it('carry a version and a system prompt, each distinct', () => {
    const versions = BUILTIN_WORKFLOWS.map((workflow) => workflow.version);
    assert.equal(new Set(versions).size, versions.length);
    for (const workflow of BUILTIN_WORKFLOWS) {
      assert.match(workflow.version, /^\d+\.[0-9a-f]{12}$/);
      assert.ok((workflow.system ?? '').length > 40, `${workflow.name} has a real system prompt`);
      assert.equal(workflow.source, 'builtin');
      assert.deepEqual(workflow.inputs, []);
    }
  });

  it('render completely with full context, leaving no variable behind', () => {
    for (const workflow of BUILTIN_WORKFLOWS) {
      const text = renderWorkflow(workflow, { args: ['focus', 'on', 'errors'], inputs: {} }, fullContext);
      assert.doesNotMatch(text, /\$\{|\$ARGUMENTS|\$[1-9]/, workflow.name);
      assert.match(text, /focus on errors$/, workflow.name);
    }
    assert.match(renderWorkflow(builtin('review-file'), { args: [], inputs: {} }, fullContext), /OUTLINE BODY[\s\S]*FILE BODY/);
    assert.match(renderWorkflow(builtin('summarize-changes'), { args: [], inputs: {} }, fullContext), /<diff>\nDIFF BODY\n<\/diff>/);
    assert.match(renderWorkflow(builtin('explain-selection'), { args: [], inputs: {} }, fullContext), /<selection>\nSELECTED\n<\/selection>/);
  });

  it('cannot be changed by a caller', () => {
    const workflow = builtin('review-file');
    assert.throws(() => workflow.reads.push('selection'), TypeError);
    assert.throws(() => {
      (workflow as { template: string }).template = 'x';
    }, TypeError);
  });
});

describe('built-in modules', () => {
  it('use only context variables, so their answers can be shared', () => {
    for (const module of BUILTIN_MODULES) {
      const usage = describeTemplate(scanTemplate(module.template, { dollarArguments: true }));
      assert.deepEqual([usage.inputs, usage.modules, usage.usesArguments, usage.unknown], [[], [], false, []], module.name);
      assert.ok(renderModule(module, fullContext).includes('FILE BODY'));
    }
  });
});
